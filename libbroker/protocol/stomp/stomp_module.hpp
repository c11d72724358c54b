#pragma once
// The STOMP protocol module: detection ("CONNECT"/"STOMP") and one StompSession per connection.
#include <functional>
#include <memory>
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
  std::function<std::vector<std::pair<std::string, std::string>>()> connected_headers;
};

std::unique_ptr<net::ProtocolModule> make_stomp_module(ModuleContext context);

}  // namespace artemis::protocol::stomp
