#include "client/errors.hpp"

namespace artemis::client {

std::string_view to_string(ErrorKind k) {
  switch (k) {
    case ErrorKind::connect_failed: return "connect_failed";
    case ErrorKind::auth_failed: return "auth_failed";
    case ErrorKind::connection_lost: return "connection_lost";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::broker_error: return "broker_error";
    case ErrorKind::transaction_rolled_back: return "transaction_rolled_back";
    case ErrorKind::protocol_error: return "protocol_error";
    case ErrorKind::invalid_argument: return "invalid_argument";
  }
  return "unknown";
}

}  // namespace artemis::client
