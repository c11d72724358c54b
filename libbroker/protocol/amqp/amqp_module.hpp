#pragma once
// The AMQP 1.0 protocol module: detection (the "AMQP" protocol header) and one AmqpConnection
// per connection, on Qpid Proton's connection engine driven from the broker's loop.
#include <functional>
#include <memory>
#include <string>

#include "net/protocol.hpp"
#include "security/security_manager.hpp"
#include "util/log.hpp"
#include "util/scheduler.hpp"

namespace artemis::core {
class BrokerCore;
}

namespace artemis::protocol::amqp {

struct ModuleContext {
  core::BrokerCore& core;
  security::SecurityManager& security;
  util::Scheduler& scheduler;
  const util::Logger& log;
  std::string container_id;  // the broker's container id in the open frame (its node name)
  std::string version;       // the open frame's `version` property
  // The announced backups' connector URLs, comma-separated ("" none): the open frame's
  // `failover-server-list`, where Qpid JMS learns where to fail over to. May be empty.
  std::function<std::string()> failover_servers;
};

std::unique_ptr<net::ProtocolModule> make_amqp_module(ModuleContext context);

}  // namespace artemis::protocol::amqp
