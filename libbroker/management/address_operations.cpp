// The `address.<name>` resource (Artemis's AddressControl).
#include <fmt/core.h>

#include "management/resources.hpp"
#include "management/views.hpp"

namespace artemis::management {
namespace {

using nlohmann::json;

json address_routing_types(const Call& c) {
  return routing_type_names(address_resource(c));
}
json routing_types_json(const Call& c) {
  return json_text(json(routing_type_names(address_resource(c))));
}
json address_queue_names(const Call& c) {
  return address_resource(c).queues;
}
json queue_count(const Call& c) {
  return static_cast<std::int64_t>(address_resource(c).queues.size());
}
json message_count_of(const Call& c) {
  return static_cast<std::int64_t>(message_count(c.ctx.post_office, address_resource(c)));
}
json address_size(const Call& c) {
  return address_resource(c).size_bytes;
}
json address_name(const Call& c) {
  return address_resource(c).name;
}
json address_id(const Call& c) {
  return address_resource(c).id;
}

}  // namespace

void add_address_operations(OperationTable& t) {
  t["getRoutingTypes"] = {address_routing_types, 601000, "getting routing type property", false};
  t["getRoutingTypesAsJSON"] = {routing_types_json, 601001, "getting routing type property as json",
                                false};
  t["getQueueNames"] = {address_queue_names, 601002, "getting queue names", false};
  t["getQueueCount"] = {queue_count, 601742, "getting the queue count", false};
  t["getMessageCount"] = {message_count_of, 601008, "getting number of messages", false};
  t["getNumberOfMessages"] = {message_count_of, 601008, "getting number of messages", false};
  t["getAddressSize"] = {address_size, 601007, "getting address size", false};
  t["getAddress"] = {address_name, 601015, "getting address", false};
  t["getId"] = {address_id, 0, "getting id", false};
}

}  // namespace artemis::management
