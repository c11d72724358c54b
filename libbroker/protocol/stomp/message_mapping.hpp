#pragma once
// STOMP frames <-> core messages (reference §6.3 SEND header mapping, §6.4 MESSAGE frame).
// Pure functions: no session state, no I/O. Broker thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/consumer.hpp"
#include "core/message.hpp"
#include "stomp/codec.hpp"

namespace artemis::protocol::stomp_session {

namespace codec = artemis::stomp;  // the frame codec (libcommon), not this module

// Property keeping the acceptor prefix a STOMP client used, restored on delivery.
inline constexpr std::string_view prefix_property = "_AMQ_PREFIX";
inline constexpr std::string_view content_type_property = core::props::content_type;

// SEND -> message. `address` is the destination with any acceptor prefix stripped; `prefix`
// the prefix that was stripped ("" if none). Fails (nullopt + why) on a bad priority, expires
// or scheduling header. Takes the frame's body (moved, not copied).
std::optional<core::MessagePtr> message_from_send(codec::Frame& send,
                                                  const std::string& prefix,
                                                  std::optional<core::RoutingType> routing_type,
                                                  std::int64_t now_ms, std::string& why);

// Views: they live for one encode_message() call.
struct DeliveryHeaders {
  std::string_view subscription;  // the SUBSCRIBE id
  std::string_view ack_id;        // message-id / ack value: "<consumer>,<message id>"
  bool ack_header = false;        // STOMP 1.2 with a non-auto ack mode
};

// Appends the MESSAGE frame for `ref` to `out`, encoded for `version` (no Frame in between: this
// runs once per delivery). A large message's frame stops after its headers: the caller
// streams the body and its NUL from the body's file.
void encode_message(std::string& out, const core::MessageRef& ref, const DeliveryHeaders& h,
                    codec::Version version);

}  // namespace artemis::protocol::stomp_session
