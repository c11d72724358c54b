#pragma once
// The STOMP protocol module: detection ("CONNECT"/"STOMP") and one StompSession per connection.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/protocol.hpp"
#include "security/security_manager.hpp"
#include "util/log.hpp"
#include "util/scheduler.hpp"

namespace artemis::core {
class BrokerCore;
}

namespace artemis::protocol::stomp {

struct ModuleContext {
  core::BrokerCore& core;
  security::SecurityManager& security;
  util::Scheduler& scheduler;
  const util::Logger& log;
  std::string broker_name;   // CONNECTED "server" header: "ActiveMQ-Artemis/<version> <name>"
  // Extra CONNECTED headers (e.g. the HA backup the client may fail over to); read per connect.
  // The HA backup advertised to clients is the `failover-servers` header (comma-separated
  // connector URLs, e.g. "tcp://localhost:61617"), produced here.
  std::function<std::vector<std::pair<std::string, std::string>>()> connected_headers;

  // Cluster links. A peer node connects with CONNECT login=<cluster-user>
  // passcode=<cluster-password> and headers `cluster-node-id:<uuid>` and
  // `cluster-backup-announce:<its connector URL>`: it announces itself as the backup of this
  // node. When the credentials equal these (exact comparison, as Artemis does) the session calls
  // on_backup_announce; the returned function runs when that connection closes.
  std::optional<std::string> cluster_user;
  std::optional<std::string> cluster_password;
  std::function<std::function<void()>(const std::string& node_id, const std::string& connector_url)>
      on_backup_announce;
};

std::unique_ptr<net::ProtocolModule> make_stomp_module(ModuleContext context);

}  // namespace artemis::protocol::stomp
