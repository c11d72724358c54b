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
  message_too_large,   // a durable message larger than a journal file (no large messages yet)
  invalid_name,        // empty, or containing "::" where a plain name is required
  address_has_queues,  // an address is deleted only once no queue is bound to it
  // ServerSession
  authentication_failed,   // wrong user name or password
  unauthorized,            // the subject lacks a permission (AMQ229032)
  unknown_delivery,        // settling a message the consumer does not hold
  unknown_consumer,
  unknown_transaction,
  transaction_exists,
  too_many_transactions,
  transaction_too_large,
  client_id_required,      // durable subscriptions need a client id
  subscription_in_use,     // the durable subscription's queue is bound elsewhere or consumed
};

const std::error_category& core_category();
std::error_code make_error_code(errc e);

}  // namespace artemis::core

template <>
struct std::is_error_code_enum<artemis::core::errc> : std::true_type {};
