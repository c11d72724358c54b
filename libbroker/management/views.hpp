#pragma once
// The JSON views of queues and addresses that Artemis's listQueues / listAddresses return, and
// the options those take: a filter {"field","operation","value"}, a sort {"sortField",
// "sortOrder"} and 1-based paging. Every value of a view is a JSON string, as in Artemis.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "core/queue.hpp"

namespace artemis::management {

nlohmann::json queue_view(const core::Queue& queue, bool internal);
nlohmann::json address_view(const core::Address& address, std::size_t message_count);

// One message as browse() shows it: id, address, durable, priority, timestamps, delivery
// count, type, the typed properties but the broker's own, and the body's first `text_limit`
// bytes (`text` for a text body, `bodyPreview` for another).
nlohmann::json message_view(const core::MessageRef& ref, std::size_t text_limit);

// {"data": [the page of matching items, sorted], "count": matching items}. `options` empty or
// blank: everything. Throws OperationError for options that are no such JSON or name a field
// the items do not have. `numeric`: the fields compared as numbers.
nlohmann::json list_view(std::vector<nlohmann::json> items, const std::string& options,
                         std::int64_t page, std::int64_t page_size,
                         const std::vector<std::string>& numeric);

// "Queue [name=…, address=…, routingType=…, …]" as Artemis's createQueue/updateQueue word it.
std::string queue_text(const core::Queue& queue);
// "Address [name=…, routingTypes={MULTICAST,ANYCAST}, autoCreated=…]".
std::string address_text(const core::Address& address);
// The routing types in Artemis's order (MULTICAST before ANYCAST).
std::vector<std::string> routing_type_names(const core::Address& address);

}  // namespace artemis::management
