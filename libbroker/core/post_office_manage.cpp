// PostOffice: the changes management makes to queues and addresses that live on.
#include "core/errors.hpp"
#include "core/post_office.hpp"

namespace artemis::core {

std::error_code PostOffice::update_queue(const std::string& name, std::optional<int> max_consumers,
                                         std::optional<bool> purge_on_no_consumers,
                                         std::optional<std::string> user) {
  Queue* q = find_queue(name);
  if (q == nullptr) return errc::queue_not_found;
  const auto& d = q->definition();
  q->redefine(max_consumers.value_or(d.max_consumers),
              purge_on_no_consumers.value_or(d.purge_on_no_consumers), user.value_or(d.user));
  if (d.durable && !d.temporary) storage_.update_queue(queue_record(d));
  return {};
}

std::error_code PostOffice::set_routing_types(const std::string& name, bool anycast,
                                              bool multicast) {
  Address* a = find_address(name);
  if (a == nullptr) return errc::address_not_found;
  for (const auto& queue : a->queues) {
    const Queue* q = find_queue(queue);
    if (q == nullptr) continue;
    const bool kept = q->routing_type() == RoutingType::anycast ? anycast : multicast;
    if (!kept) return errc::address_has_queues;
  }
  a->anycast = anycast;
  a->multicast = multicast;
  storage_.update_address({a->id, a->name, a->anycast, a->multicast, a->auto_created});
  return {};
}

}  // namespace artemis::core
