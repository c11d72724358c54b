#pragma once
// Address: a name, the routing types it supports, and the queues bound to it. Queues are owned
// by the PostOffice; the address keeps their names in binding order. Broker thread only.
#include <cstdint>
#include <string>
#include <vector>

#include "core/message.hpp"

namespace artemis::core {

struct Address {
  std::uint64_t id = 0;
  std::string name;
  bool anycast = false;
  bool multicast = false;
  bool auto_created = false;
  std::vector<std::string> queues;   // bound queue names, binding order
  std::size_t anycast_next = 0;      // round-robin over the anycast group
  std::int64_t size_bytes = 0;       // memory held by messages routed here (address limits)
  std::int64_t size_messages = 0;    // and their number (once however many queues hold one)
  std::int64_t dropped_messages = 0;  // refused silently under address-full-policy DROP
  std::int64_t created_ms = 0;       // auto-delete with skip-usage-check counts from here
  std::int64_t binding_removed_ms = -1;  // last queue removed; -1: none yet (never used)

  bool supports(RoutingType rt) const {
    return rt == RoutingType::anycast ? anycast : multicast;
  }
  std::string routing_types_text() const;  // "[ANYCAST]", "[ANYCAST, MULTICAST]"
};

}  // namespace artemis::core
