#pragma once
// The MQTT protocol module (3.1, 3.1.1 and 5): detection (a CONNECT naming MQTT or MQIsdp)
// and one MqttSession per connection, on the codec in libcommon/mqtt and the core's
// ServerSession.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mqtt/packets.hpp"
#include "net/protocol.hpp"
#include "security/security_manager.hpp"
#include "util/log.hpp"
#include "util/scheduler.hpp"

namespace artemis::core {
class BrokerCore;
class ServerSession;
}

namespace artemis::protocol::mqtt {

class MqttSession;

// A session that outlives its connection (saved_sessions.hpp).
struct SavedSession {
  std::vector<artemis::mqtt::Subscription> subscriptions;
  std::optional<std::int64_t> expires_ms;  // wall clock; none: kept for ever
  // QoS 2 deliveries the client has (PUBREC came) whose PUBCOMP has not: the PUBREL is sent
  // again when the client comes back.
  std::vector<std::uint16_t> released;
};

// A will waiting for its Will Delay Interval (wills.hpp), with the core session of the
// connection that left it.
struct HeldWill {
  std::shared_ptr<core::ServerSession> session;
  artemis::mqtt::Publish will;
  util::Scheduler::TimerId timer = 0;
};

// What the sessions of one activation share. Broker thread only.
struct SharedState {
  // The connected session of each client id: a newcomer with the same id takes over.
  std::unordered_map<std::string, MqttSession*> connected;
  // The subscriptions of sessions that outlive their connection (3.x clean session 0, 5 with
  // a session expiry interval), by client id; their queues are durable and keep the backlog.
  // A cache of what DurableSlots keeps across restarts (a reconnect right after a disconnect
  // need not wait for the slot's store).
  std::unordered_map<std::string, SavedSession> sessions;
  std::unordered_map<std::string, HeldWill> wills;  // by client id
};

struct ModuleContext {
  core::BrokerCore& core;
  security::SecurityManager& security;
  util::Scheduler& scheduler;
  const util::Logger& log;
  // broker.xml's mqtt-subscription-persistence-enabled: sessions kept in the journal.
  bool persist_sessions = true;
  // How often sessions no connection has are checked for their expiry
  // (mqtt-session-scan-interval).
  std::chrono::milliseconds session_scan_interval{5000};
  std::shared_ptr<SharedState> shared = std::make_shared<SharedState>();
};

std::unique_ptr<net::ProtocolModule> make_mqtt_module(ModuleContext context);

}  // namespace artemis::protocol::mqtt
