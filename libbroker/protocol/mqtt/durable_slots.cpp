#include "protocol/mqtt/durable_slots.hpp"

#include "core/post_office.hpp"

namespace artemis::protocol::mqtt {

namespace {

// The newest waiting message: puts complete in order, so a slot briefly holding two (a put
// before the last one's store completed) shows the later one.
core::MessagePtr newest(const core::Queue& q) {
  core::MessagePtr last;
  q.for_each_waiting([&](const core::MessageRef& ref) { last = ref.message; });
  return last;
}

}  // namespace

bool DurableSlots::put(const std::string& name, const core::Message& m) {
  core::Queue* q = po_.find_queue(name);
  if (q == nullptr) {
    if (po_.create_address(name, core::RoutingType::anycast, false)) return false;
    core::QueueDefinition d;
    d.name = name;
    d.address = name;
    if (po_.create_queue(d, &q) || q == nullptr) return false;
  }
  q->purge();
  auto copy = core::make_message();
  copy->record = m.record;
  copy->record.id = 0;
  copy->record.durable = true;
  copy->record.address = name;
  po_.send(std::move(copy), core::Destination{name, name}, [](std::error_code) {});
  return true;
}

void DurableSlots::clear(const std::string& name) {
  if (core::Queue* q = po_.find_queue(name)) q->purge();
}

core::MessagePtr DurableSlots::get(std::string_view name) {
  const core::Queue* q = po_.find_queue(name);
  return q != nullptr ? newest(*q) : nullptr;
}

void DurableSlots::each(
    std::string_view prefix,
    const std::function<void(std::string_view name, const core::MessagePtr&)>& fn) {
  for (const core::Queue* q : po_.queues()) {
    if (!q->name().starts_with(prefix)) continue;
    if (auto m = newest(*q)) fn(q->name(), m);
  }
}

bool keep_retained(core::PostOffice& post_office, const std::string& address,
                   const core::Message* m) {
  // The newest retained message of an address replaces the one before.
  DurableSlots slots(post_office);
  const auto slot = std::string(kRetainPrefix) + address;
  if (m == nullptr) {
    slots.clear(slot);
    return true;
  }
  return slots.put(slot, *m);
}

}  // namespace artemis::protocol::mqtt
