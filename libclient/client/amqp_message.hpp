#pragma once
// Client messages <-> AMQP 1.0 messages, as the AMQP JMS mapping does it: a text body is an
// AmqpValue string, a bytes body a Data section; properties are application properties;
// persistence, priority, expiry and the group are header and properties fields.
#include <proton/message.h>

#include <cstdint>
#include <string>

#include "client/message.hpp"

namespace artemis::client {

// Encodes `m` into `out` (cleared first), using `scratch`. False if Proton refuses it.
bool encode_amqp(const Message& m, std::int64_t now_ms, pn_message_t* scratch, std::string& out);

// Encodes `msg` into `out` (resized to the encoding). False if Proton refuses it.
bool encode_message(pn_message_t* msg, std::string& out);

// The message a delivery's bytes hold; `address` names the destination when the message has
// no `to`. Application properties of any type come out as their text; a body that is neither
// a string nor binary comes out as Proton's rendering of it.
Message decode_amqp(const std::string& bytes, const std::string& address, pn_message_t* scratch);

}  // namespace artemis::client
