#pragma once
// The message that Artemis's sendMessage(headers, type, body, durable, user, password)
// describes, on an address (address.<name>) or on one queue (queue.<name>: sent to its address
// for that queue alone). The front end that sends it does so through a core ServerSession
// logged in as the caller, so the send permission, the address-full policy and the wait for
// the journal are the core's as for any client.
#include <cstdint>
#include <string_view>

#include "core/destination.hpp"
#include "core/message.hpp"
#include "management/management_service.hpp"

namespace artemis::management {

struct ComposedMessage {
  core::MessagePtr message;
  core::Destination destination;
};

// Throws OperationError for a resource that does not exist, a header that is not a string,
// number or boolean, or a type other than 0 (no body) and 3 (text).
ComposedMessage compose_message(ManagementContext& ctx, std::string_view resource,
                                const OperationArgs& args, std::int64_t now_ms);

}  // namespace artemis::management
