// Broker::node_state: what management reports about this node.
#include "server/broker.hpp"
#include "util/memory.hpp"

namespace artemis::server {
namespace {

// "host:port" of a transport, as Artemis's topology shows a connector.
std::string host_port(const config::TransportConfig& t) {
  return t.host + ":" + std::to_string(t.port);
}

}  // namespace

management::NodeState Broker::node_state() const {
  management::NodeState n;
  n.node_id = node_id_text();
  n.backup = config_.ha_policy.role == config::HaRole::backup;
  n.uptime_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started_at_)
                    .count();
  DiskSpace space;
  if (!statvfs_probe(config_.journal_directory, space) && space.total > 0)
    n.disk_store_usage = 1.0 - static_cast<double>(space.usable) / static_cast<double>(space.total);
  n.global_max_size = config::effective_global_max_size(config_, util::available_memory());
  // The connector this node advertises to its cluster; without one, its first acceptor.
  for (const auto& cc : config_.cluster_connections)
    for (const auto& c : config_.connectors)
      if (c.name == cc.connector_ref && n.live_connector.empty()) n.live_connector = host_port(c);
  if (n.live_connector.empty() && !config_.acceptors.empty())
    n.live_connector = host_port(config_.acceptors.front());
  n.connection_count = acceptors_ ? acceptors_->connection_count() : 0;
  if (ha_)
    for (const auto& [name, value] : ha_->connected_headers()())
      if (name == "failover-servers" && !value.empty()) {
        // The first backup's URL, tcp://host:port?params, as host:port.
        auto url = value.substr(0, value.find(','));
        if (const auto at = url.find("://"); at != std::string::npos) url.erase(0, at + 3);
        n.backup_connector = url.substr(0, url.find('?'));
      }
  return n;
}

}  // namespace artemis::server
