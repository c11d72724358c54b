#pragma once
// MQTT PUBLISH <-> core message (reference §8.4, §8.6). The payload is the body, as bytes; the
// QoS it was published with is property mqtt.qos.level; MQTT 5's fields are mqtt.* properties
// (user properties in order as mqtt.ordered.user.property.<n>.<key>), the message expiry
// interval the expiration. Messages of other protocols reach MQTT with their body's bytes
// (text as UTF-8) and count as QoS 2.
#include <cstdint>

#include "core/message.hpp"
#include "mqtt/packets.hpp"

namespace artemis::protocol::mqtt {

core::MessagePtr message_from_publish(const artemis::mqtt::Publish& p, std::int64_t now_ms);

// Topic, payload and, for MQTT 5, the properties; QoS, packet id, DUP and RETAIN are the
// caller's. Without `with_payload` the payload stays empty (a large one is streamed).
void publish_from_message(const core::Message& m, bool v5, std::int64_t now_ms,
                          artemis::mqtt::Publish& out, bool with_payload = true);

std::uint8_t published_qos(const core::Message& m);

}  // namespace artemis::protocol::mqtt
