#pragma once
// The core layer's expected failures. Protocol sessions turn these into their own error
// replies (STOMP ERROR frames) and add what they know (destination, subscription id).
#include <string_view>
#include <system_error>

namespace artemis::core {

enum class errc {
  ok = 0,
  address_not_found = 1,  // and auto-create is off for it
  queue_not_found,
  queue_exists,            // a queue name is unique across the broker
  queue_on_other_address,  // FQQN names a queue bound to a different address
  illegal_routing_type,    // address does not support the requested routing type
  max_consumers_reached,
  address_full,        // address-full-policy FAIL
  bad_filter,          // selector does not parse
  storage_failed,      // the journal reported an error
  invalid_name,        // empty, or containing "::" where a plain name is required
  address_has_queues,  // an address is deleted only once no queue is bound to it
};

const std::error_category& core_category();
std::error_code make_error_code(errc e);

}  // namespace artemis::core

template <>
struct std::is_error_code_enum<artemis::core::errc> : std::true_type {};
