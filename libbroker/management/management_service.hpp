#pragma once
// ManagementService: the broker's management operations (Artemis's ActiveMQServerControl,
// QueueControl and AddressControl), answering messages sent to the management address and
// serving any other front end (the CLI reaches it through messages; an HTTP API may call
// invoke() directly).
//
// A request names a resource in `_AMQ_ResourceName` (`broker`, `queue.<name>`,
// `address.<name>`) and either an operation in `_AMQ_OperationName` with its arguments as a
// JSON array in the body, or an attribute in `_AMQ_Attribute` (`MessageCount` reads as
// getMessageCount / isMessageCount). The reply carries `_AMQ_OperationSucceeded` and a JSON
// array whose only element is the result, or the error text when the operation failed.
//
// The session has checked the `manage` permission before a request gets here. Every call is
// written to the audit log (base logger) as Artemis does; operations that change the broker
// are also logged in the broker log. Broker thread only.
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "config/broker_config.hpp"
#include "core/management_handler.hpp"
#include "core/post_office.hpp"
#include "journal/journal.hpp"
#include "management/operation_args.hpp"
#include "security/security_manager.hpp"
#include "util/log.hpp"

namespace artemis::management {

inline constexpr std::string_view kResourceName = "_AMQ_ResourceName";
inline constexpr std::string_view kOperationName = "_AMQ_OperationName";
inline constexpr std::string_view kAttribute = "_AMQ_Attribute";
inline constexpr std::string_view kOperationSucceeded = "_AMQ_OperationSucceeded";

// What the server knows about this node and the core does not.
struct NodeState {
  std::string node_id;
  bool backup = false;  // configured as a backup (ha-policy slave/backup)
  std::int64_t uptime_ms = 0;
  double disk_store_usage = -1;       // the journal's file system: used / total (0..1); -1 unknown
  std::int64_t global_max_size = -1;  // bytes; -1: none
  // The nodes this one knows: itself and the backup announced to it, as "host:port".
  std::string live_connector;
  std::string backup_connector;  // empty: no backup announced
  std::size_t connection_count = 0;
};

struct ManagementContext {
  core::PostOffice& post_office;
  const config::BrokerConfig& config;
  security::SecurityManager& security;
  const util::Logger& log;
  std::function<NodeState()> node;
  // The message journal's counters and histograms, for the metrics; unset: none (no
  // persistence, tests).
  std::function<journal::Stats()> journal = {};
};

// One call as an operation sees it.
struct Call {
  ManagementContext& ctx;
  std::string_view target;  // the queue or address of a queue./address. resource; "" for broker
  const OperationArgs& args;
};

struct Operation {
  nlohmann::json (*run)(const Call&);
  int audit_code = 0;     // Artemis's AMQ601xxx for this call; 0: none
  std::string_view verb;  // "creating a queue", as the audit line words it
  bool changes = false;   // logged in the broker log too
  bool secret_args = false;  // a password among them: logged as ****
  bool sensitive = false;    // shows message contents or the log: needs `manage` to read
};
using OperationTable = std::map<std::string, Operation, std::less<>>;

void add_broker_operations(OperationTable& table);
void add_queue_operations(OperationTable& table);
void add_queue_moves(OperationTable& table);
void add_address_operations(OperationTable& table);
void add_user_operations(OperationTable& table);
void add_connection_operations(OperationTable& table);
void add_node_operations(OperationTable& table);

struct ComposedMessage;

class ManagementService final : public core::ManagementHandler {
 public:
  explicit ManagementService(ManagementContext ctx);

  core::MessagePtr handle(const core::Message& request, const security::Subject& caller) override;

  // One operation on a resource: its result, or OperationError with the text to reply.
  nlohmann::json invoke(std::string_view resource, std::string_view operation,
                        const OperationArgs& args, const security::Subject& caller);
  nlohmann::json attribute(std::string_view resource, std::string_view name,
                           const security::Subject& caller);
  // sendMessage(headers, type, body, durable, user, password) on `resource`: the message to
  // send (compose_message.hpp), audited as Artemis does. The caller sends it.
  ComposedMessage compose(std::string_view resource, const OperationArgs& args, std::int64_t now_ms,
                          const security::Subject& caller);
  // Whether the operation needs `manage` where plain reads do not: it changes the broker or
  // shows message contents.
  bool needs_manage(std::string_view resource, std::string_view operation) const;
  // The broker's metrics in the Prometheus text format (metrics.cpp).
  std::string metrics() const;

 private:
  // The operations of a resource, and the queue or address it names; null: no such kind.
  const OperationTable* table_for(std::string_view resource, std::string_view& target) const;

  ManagementContext ctx_;
  OperationTable broker_;
  OperationTable queue_;
  OperationTable address_;
};

}  // namespace artemis::management
