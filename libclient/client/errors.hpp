#pragma once
// Client failures. The client API is synchronous, so failures are exceptions carrying a kind
// (for callers that react, e.g. the CLI's exit message) and a text saying what and where.
#include <stdexcept>
#include <string>
#include <string_view>

namespace artemis::client {

enum class ErrorKind {
  connect_failed,          // no server of the list accepted a TCP connection
  auth_failed,             // the broker refused the credentials
  connection_lost,         // an established connection broke and failover is off or exhausted
  timeout,                 // no receipt/answer within callTimeout
  broker_error,            // the broker answered with an ERROR frame
  transaction_rolled_back, // failover happened inside a transaction; its work was discarded
  protocol_error,          // the peer sent bytes that are not STOMP
  invalid_argument,        // a bad value passed to the API
};
std::string_view to_string(ErrorKind k);

class ClientError : public std::runtime_error {
 public:
  ClientError(ErrorKind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace artemis::client
