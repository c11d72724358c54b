#pragma once
// AMQP 1.0 messages <-> core messages (reference/addressing-protocols.md §7.5). Pure functions
// over Qpid Proton's pn_message_t: no session state, no I/O. Broker thread.
//
// The core message carries what every protocol reads: header fields, application properties
// (typed), the body as bytes (a Data section) or text (an AmqpValue string), as the AMQP JMS
// mapping converts them. The AMQP properties section is kept in properties of its own
// (`kMessageId` ...), so an AMQP consumer gets back what an AMQP producer sent and a STOMP
// consumer sees them as headers. Message annotations other than the scheduling ones are not kept.
#include <proton/message.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/consumer.hpp"
#include "core/message.hpp"

namespace artemis::protocol::amqp {

// Properties that hold the AMQP properties section's fields.
inline constexpr std::string_view kMessageId = "_AMQ_AMQP_MESSAGE_ID";
inline constexpr std::string_view kCorrelationId = "correlation-id";
inline constexpr std::string_view kReplyTo = "reply-to";
inline constexpr std::string_view kSubject = "subject";

// A decoded transfer -> core message. nullopt (and `why`) when the message uses what this
// broker cannot keep: a body other than Data / AmqpValue(string, binary, null), a non-scalar
// application property.
std::optional<core::MessagePtr> message_from_amqp(pn_message_t* in, std::int64_t now_ms,
                                                  std::string& why);

// The AMQP message a consumer receives for `ref` (cleared first).
void message_to_amqp(const core::MessageRef& ref, std::int64_t now_ms, pn_message_t* out);

// Encodes `msg` into `out` (resized to the encoding). False if Proton refuses it.
bool encode(pn_message_t* msg, std::string& out);

}  // namespace artemis::protocol::amqp
