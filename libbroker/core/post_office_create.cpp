// PostOffice auto-creation (reference §1.6): plan first (so the protocol can authorise
// createAddress / createDurableQueue), then apply.
#include "core/errors.hpp"
#include "core/post_office.hpp"

namespace artemis::core {

std::error_code PostOffice::plan_auto_create(const Destination& d, std::optional<RoutingType> rt,
                                             AutoCreatePlan& plan) {
  plan = {};
  if (d.address.empty()) return errc::invalid_name;
  if (d.address == config_.management_address) return {};
  Address* a = find_address(d.address);
  if (!rt) return a != nullptr ? std::error_code{} : make_error_code(errc::address_not_found);
  const auto& s = settings_for(d.address);
  if (a == nullptr) {
    if (!s.auto_create_addresses) return errc::address_not_found;
    plan.create_address = true;
  } else if (!a->supports(*rt)) {
    if (!s.auto_create_addresses) return errc::illegal_routing_type;
    plan.add_routing_type = true;
  }
  if (*rt != RoutingType::anycast && !d.queue) return {};
  const std::string qname = d.queue.value_or(d.address);
  if (Queue* q = find_queue(qname)) {
    if (q->address() != d.address) return errc::queue_on_other_address;
    if (!d.queue && q->routing_type() != RoutingType::anycast) return errc::address_not_found;
    return {};
  }
  if (!d.queue && a != nullptr) {
    // Another anycast queue on the address takes the message.
    for (const auto& name : a->queues) {
      Queue* q = find_queue(name);
      if (q != nullptr && q->routing_type() == RoutingType::anycast) return {};
    }
  }
  if (!s.auto_create_queues) return errc::queue_not_found;
  plan.create_queue = qname;
  return {};
}

std::error_code PostOffice::apply_auto_create(const Destination& d, RoutingType rt,
                                              const AutoCreatePlan& plan) {
  if (plan.create_address || plan.add_routing_type) {
    if (auto ec = create_address(d.address, rt, plan.create_address)) return ec;
  }
  if (plan.create_queue) {
    if (Address* a = find_address(d.address); a != nullptr && !a->supports(rt))
      if (auto ec = create_address(d.address, rt, true)) return ec;
    QueueDefinition def;
    def.name = *plan.create_queue;
    def.address = d.address;
    def.routing_type = rt;
    def.durable = true;
    def.auto_created = true;
    def.user = plan.user;
    if (auto ec = create_queue(std::move(def)); ec && ec != errc::queue_exists) return ec;
  }
  return {};
}

}  // namespace artemis::core
