#pragma once
// Reading a link's source or target (reference §7.2, §7.3): routing type capabilities and
// the source filters this broker applies. Pure functions over Proton's pn_data_t.
#include <proton/codec.h>

#include <optional>
#include <string>

#include "core/message.hpp"

namespace artemis::protocol::amqp {

// `queue`/`temporary-queue` -> ANYCAST, `topic`/`temporary-topic` -> MULTICAST, else none.
std::optional<core::RoutingType> routing_hint(pn_data_t* capabilities);

// True when the symbol list holds `capability`.
bool has_capability(pn_data_t* capabilities, std::string_view capability);

// The routing type a message asks for in its annotations (reference §7.2):
// x-opt-routing-type (0 MULTICAST, 1 ANYCAST), else x-opt-jms-dest (0 queue, 1 topic,
// 2 temporary queue, 3 temporary topic); none when it has neither.
std::optional<core::RoutingType> message_routing_hint(pn_data_t* annotations);

struct SourceFilters {
  std::string selector;   // apache.org:selector-filter:string ("" none)
  bool no_local = false;  // apache.org:no-local-filter:list
};
// The filters of a source's filter set that this broker knows; others are ignored.
SourceFilters read_filters(pn_data_t* filter_set);

}  // namespace artemis::protocol::amqp
