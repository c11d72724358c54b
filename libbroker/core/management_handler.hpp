#pragma once
// ManagementHandler: what the broker does with a message sent to the management address
// (broker.xml <management-address>, default activemq.management), as Artemis's
// ManagementService does: the request is answered, never routed to queues.
//
// ServerSession checks the `manage` permission on the management address, asks the handler for
// the reply and routes it to the request's reply-to address. The handler lives above the core
// (libbroker/management): it knows the server's state (node, HA) as well as the PostOffice.
// Broker thread only.
#include "core/message.hpp"
#include "security/security_manager.hpp"

namespace artemis::core {

// The property holding where a reply goes: STOMP's `reply-to` header and AMQP's reply-to
// field both arrive under this name.
inline constexpr std::string_view kReplyTo = "reply-to";

class ManagementHandler {
 public:
  virtual ~ManagementHandler() = default;
  // The reply to `request`, made for `caller` (the permission is already checked). The reply's
  // address is set by the caller.
  virtual MessagePtr handle(const Message& request, const security::Subject& caller) = 0;
};

}  // namespace artemis::core
