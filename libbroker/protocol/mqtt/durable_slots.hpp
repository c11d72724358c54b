#pragma once
// What MQTT keeps beyond a connection and a restart — the retained message of each topic, the
// subscription list of each persistent session — held in the broker's own durable queues, one
// message per slot: queue and ANYCAST address `<name>`, never auto-deleted (reference §8.5:
// `$sys.mqtt.retain.<address>`). A slot's message is sent to its queue alone (FQQN), so no
// wildcard subscription sees it. Broker thread only; stateless over the PostOffice.
#include <functional>
#include <string>
#include <string_view>

#include "core/message.hpp"

namespace artemis::core {
class PostOffice;
}

namespace artemis::protocol::mqtt {

inline constexpr std::string_view kRetainPrefix = "$sys.mqtt.retain.";
inline constexpr std::string_view kSessionPrefix = "$sys.mqtt.sessions.";

class DurableSlots {
 public:
  explicit DurableSlots(core::PostOffice& post_office) : po_(post_office) {}

  // Replaces what slot `name` holds with a durable copy of `m` (visible once on disk). False
  // when the slot's address or queue cannot be made.
  [[nodiscard]] bool put(const std::string& name, const core::Message& m);
  void clear(const std::string& name);
  // The newest message of slot `name`; null when it holds none.
  core::MessagePtr get(std::string_view name);
  // Every slot whose name starts with `prefix` and holds a message, with its newest message.
  void each(std::string_view prefix,
            const std::function<void(std::string_view name, const core::MessagePtr&)>& fn);

 private:
  core::PostOffice& po_;
};

// The retained message of `address` := m; an empty payload (or null) ends it. False when the
// slot cannot be made.
[[nodiscard]] bool keep_retained(core::PostOffice& post_office, const std::string& address,
                                 const core::Message* m);

}  // namespace artemis::protocol::mqtt
