// The `broker` resource's operations about this node and its storage (Artemis's
// ActiveMQServerControl getters: isSharedStore, getJournalDirectory, …), one summary of the HA
// state for the console (getHAState, ours), and the broker log's last lines (getLogTail, ours:
// Artemis's console reads its log through Jolokia).
#include "management/management_service.hpp"
#include "management/resources.hpp"

namespace artemis::management {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxLogLines = 500;

json shared_store(const Call& c) {
  return c.ctx.config.ha_policy.shared_store;
}
json persistence_enabled(const Call& c) {
  return c.ctx.config.persistence_enabled;
}
template <std::filesystem::path config::BrokerConfig::*Path>
json directory(const Call& c) {
  return (c.ctx.config.*Path).string();
}

json ha_state(const Call& c) {
  const auto n = c.ctx.node();
  const auto& ha = c.ctx.config.ha_policy;
  return {{"nodeID", n.node_id},
          {"name", c.ctx.config.name},
          {"policy", ha.shared_store  ? "shared-store"
                     : ha.replication ? "replication"
                                      : "none"},
          {"configuredRole", config::to_string(ha.role)},
          {"active", true},  // only an active node answers management
          {"backup", n.backup},
          {"liveConnector", n.live_connector},
          {"backupConnector", n.backup_connector},  // empty: no backup announced
          {"failoverOnShutdown", ha.failover_on_shutdown},
          {"allowFailback", ha.allow_failback},
          {"uptimeMillis", n.uptime_ms},
          {"journalDirectory", c.ctx.config.journal_directory.string()},
          {"bindingsDirectory", c.ctx.config.bindings_directory.string()},
          {"pagingDirectory", c.ctx.config.paging_directory.string()},
          {"largeMessagesDirectory", c.ctx.config.large_messages_directory.string()},
          {"nodeManagerLockDirectory", c.ctx.config.node_manager_lock_directory.string()}};
}

// getLogTail([lines]): the newest lines of the broker log, oldest first.
json log_tail(const Call& c) {
  if (c.args.size() > 1) throw no_operation("getLogTail", c.args);
  const auto lines = c.args.integer_or(0, 100);
  if (lines < 1 || lines > kMaxLogLines)
    throw OperationError("lines must be between 1 and " + std::to_string(kMaxLogLines));
  return c.ctx.log.recent(static_cast<std::size_t>(lines));
}

}  // namespace

void add_node_operations(OperationTable& t) {
  t["isSharedStore"] = {shared_store, 601028, "querying isSharedStore", false};
  t["isPersistenceEnabled"] = {persistence_enabled, 601042, "querying persistence enabled", false};
  t["getJournalDirectory"] = {directory<&config::BrokerConfig::journal_directory>, 601037,
                              "getting journal directory", false};
  t["getBindingsDirectory"] = {directory<&config::BrokerConfig::bindings_directory>, 601029,
                               "getting bindings directory", false};
  t["getPagingDirectory"] = {directory<&config::BrokerConfig::paging_directory>, 601044,
                             "getting paging directory", false};
  t["getLargeMessagesDirectory"] = {directory<&config::BrokerConfig::large_messages_directory>,
                                    601141, "getting large message directory", false};
  t["getHAState"] = {ha_state, 0, "getting HA state", false};
  t["getLogTail"] = {log_tail, 0, "reading the log", false, false, true};
}

}  // namespace artemis::management
