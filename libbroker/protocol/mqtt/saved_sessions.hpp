#pragma once
// Sessions that outlive their connection (3.x clean session 0, 5 with a session expiry
// interval; reference §8.1): the subscriptions to make again when the client comes back, and
// until when the session is kept once no connection has it. Each is the message of slot
// `$sys.mqtt.sessions.<client-id>` (durable_slots.hpp): a SUBSCRIBE packet listing the
// subscriptions (empty body: none), property `mqtt.session.expires` (wall-clock ms; absent:
// for ever) and property `mqtt.session.released` (the packet ids of QoS 2 deliveries awaiting
// their PUBCOMP), with SharedState::sessions as a cache. With `persist` off (broker.xml's
// mqtt-subscription-persistence-enabled false) the cache alone holds them, so a restart forgets
// them and their clients subscribe again (the subscription queues and their messages stay).
// Broker thread only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqtt/packets.hpp"
#include "protocol/mqtt/mqtt_module.hpp"

namespace artemis::core {
class PostOffice;
}

namespace artemis::protocol::mqtt {

class SavedSessions {
 public:
  SavedSessions(core::PostOffice& post_office, SharedState& shared, bool persist)
      : po_(post_office), shared_(shared), persist_(persist) {}
  // The module's: its post office, shared state and persist_sessions.
  explicit SavedSessions(const ModuleContext& ctx);

  std::optional<SavedSession> find(const std::string& client_id);
  // False when the slot cannot be made (the session then lasts only until a restart).
  [[nodiscard]] bool save(const std::string& client_id, SavedSession session);
  void forget(const std::string& client_id);
  // Ends the sessions no connection has whose time has passed at `now_ms`: their subscription
  // queues go (a shared one only once no member consumes it), then their slots. Returns their
  // client ids.
  std::vector<std::string> expire(std::int64_t now_ms);

 private:
  core::PostOffice& po_;
  SharedState& shared_;
  bool persist_;
};

}  // namespace artemis::protocol::mqtt
