#pragma once
// AMQP 1.0 messages <-> core messages (reference/addressing-protocols.md §7.5). Pure functions
// over Qpid Proton's pn_message_t and the encoded bytes: no session state, no I/O. Broker thread.
//
// An AMQP message is kept as it was sent: its message annotations, properties and application
// properties sections verbatim in one internal property (kSections; the application
// properties only when the typed properties cannot write them again exactly: a symbol key, an
// unsigned or other AMQP-only type), its footer in another, a
// Data or AmqpValue-string body as the core's bytes/text body and any other body (a map, a
// list, an AmqpSequence, several Data sections) verbatim as an `amqp` body. An AMQP consumer
// gets those bytes back behind a header the broker writes (durable, priority, ttl, delivery
// count). What the rest of the broker reads (selectors, STOMP, duplicate ids, groups) is also
// decoded into typed properties: the header fields, the properties section's fields
// (`kMessageId` ...) and every application property a core property can hold.
#include <proton/message.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/consumer.hpp"
#include "core/message.hpp"

namespace artemis::protocol::amqp {

// The sections kept verbatim (internal properties: no protocol shows them).
inline constexpr std::string_view kSections = "__AMQ_AMQP_SECTIONS";
inline constexpr std::string_view kFooter = "__AMQ_AMQP_FOOTER";
// Properties that hold the AMQP properties section's fields.
inline constexpr std::string_view kMessageId = "_AMQ_AMQP_MESSAGE_ID";
inline constexpr std::string_view kCorrelationId = "correlation-id";
inline constexpr std::string_view kReplyTo = "reply-to";
inline constexpr std::string_view kSubject = "subject";

// A transfer's bytes -> core message; nullopt (and `why`) when they are no well-formed AMQP
// message. Each section is decoded within the bounds sections.hpp finds, so what is kept and
// what is read agree. `scratch` is the caller's: afterwards its address is the message's `to`
// and its annotations and properties are the message's (routing reads them).
// `duplicate_detection` false: an application property _AMQ_DUPL_ID is kept for consumers but
// is no duplicate id to the broker (acceptor parameter amqpDuplicateDetection).
std::optional<core::MessagePtr> message_from_amqp(pn_message_t* scratch, std::string_view encoded,
                                                  std::int64_t now_ms, bool duplicate_detection,
                                                  std::string& why);

// The encoded AMQP message a consumer receives for `ref`, into `out` (cleared first). `scratch`
// is a message the caller reuses for a message of another protocol. False if Proton refuses it.
bool encode_delivery(const core::MessageRef& ref, std::int64_t now_ms, pn_message_t* scratch,
                     std::string& out);
// A large message's delivery around its body, which is streamed from its file between the two:
// `head` ends with the body section's head sized for the whole body, `tail` is what follows it
// (a footer). False if Proton refuses it or the body is over AMQP's 4 GiB binary.
bool encode_large_delivery(const core::MessageRef& ref, std::int64_t now_ms, pn_message_t* scratch,
                           std::string& head, std::string& tail);

// Core properties that are no application property of an AMQP message: the properties
// section's fields, the broker's own, and what a dead-lettered message carries as annotations.
bool is_reserved_property(std::string_view name);

// Encodes `msg` into `out` (resized to the encoding). False if Proton refuses it.
bool encode(pn_message_t* msg, std::string& out);

}  // namespace artemis::protocol::amqp
