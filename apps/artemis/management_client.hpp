#pragma once
// The management commands' transport (cli.md §5.1): a request message to the broker's
// management address naming a resource and an operation, with its arguments as a JSON array in
// the body and a reply-to address; the reply says whether it succeeded and carries the result.
// The reply address is `activemq.management.<uuid>`, subscribed for the life of the client, as
// Artemis's ClientRequestor names its temporary queue (queue stat hides such queues).
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "client/session.hpp"
#include "client_options.hpp"

namespace artemis::cli {

struct ManagementReply {
  bool succeeded = false;
  nlohmann::json result;  // the reply's first element (the error text when it failed)
  // The result as text: a JSON string as it is, anything else as JSON.
  std::string text() const;
};

class ManagementClient {
 public:
  // Connects as the client commands do (prints `Connection brokerURL = …` unless quiet). On
  // failure prints why and returns nullptr with ctx.exit_code set.
  static std::unique_ptr<ManagementClient> open(const char* command, Context& ctx,
                                                const ClientOptions& options, Printer& out);
  ~ManagementClient();

  // Throws client::ClientError when the broker refuses the request (e.g. no `manage`
  // permission) or no reply comes within the timeout.
  ManagementReply invoke(const std::string& resource, const std::string& operation,
                         const nlohmann::json& args = nlohmann::json::array());
  ManagementReply attribute(const std::string& resource, const std::string& name);
  // The connection, for a command that also sends or receives (check queue --produce).
  client::Connection& connection() { return *setup_->connection; }
  void set_timeout(std::chrono::milliseconds t) { timeout_ = t; }
  const std::string& url() const { return setup_->url_text; }

 private:
  ManagementClient() = default;
  ManagementReply request(client::Message& m);

  std::unique_ptr<ClientSetup> setup_;
  std::unique_ptr<client::Session> session_;        // sends the requests
  std::unique_ptr<client::Session> reply_session_;  // holds the reply subscription
  std::optional<client::Consumer> replies_;
  std::string reply_address_;
  std::chrono::milliseconds timeout_{30000};
};

}  // namespace artemis::cli
