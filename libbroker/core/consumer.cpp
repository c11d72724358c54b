#include "core/consumer.hpp"

#include <algorithm>
#include <utility>

#include "core/queue.hpp"
#include "util/assert.hpp"

namespace artemis::core {

ServerConsumer::ServerConsumer(std::uint64_t id, Queue& queue, ConsumerHandler& handler,
                               ConsumerOptions opts)
    : id_(id), queue_(queue), handler_(handler), options_(std::move(opts)) {}

bool ServerConsumer::has_credit() const {
  if (stopped_) return false;
  if (!handler_.ready(*this)) return false;
  if (options_.credit_mode == CreditMode::messages) return options_.credit_messages > 0;
  if (options_.window_bytes < 0) return true;
  if (options_.window_bytes == 0) return delivering_.empty();
  return delivering_bytes_ < options_.window_bytes;
}

bool ServerConsumer::accepts(const MessageRef& ref) const {
  const Message& m = *ref.message;
  if (options_.no_local_connection) {
    const auto cid = m.property(props::connection_id);
    if (cid && *cid == *options_.no_local_connection) return false;
  }
  if (ref.rare.refused_by(id_)) return false;
  return matches(options_.filter, m);
}

void ServerConsumer::deliver(MessageRef ref) {
  if (options_.credit_mode == CreditMode::messages) --options_.credit_messages;
  delivering_bytes_ += static_cast<std::int64_t>(ref.message->memory_size());
  const std::uint64_t id = ref.message->id();
  if (spare_refs_.empty()) {
    delivering_.push_back(std::move(ref));
  } else {
    delivering_.splice(delivering_.end(), spare_refs_, spare_refs_.begin());
    delivering_.back() = std::move(ref);
  }
  auto it = std::prev(delivering_.end());
  // A message id is delivered at most once per consumer at a time (it is on one queue once).
  if (spare_ids_.empty()) {
    by_id_[id] = it;
  } else {
    auto node = std::move(spare_ids_.back());
    spare_ids_.pop_back();
    node.key() = id;
    node.mapped() = it;
    if (auto r = by_id_.insert(std::move(node)); !r.inserted) r.position->second = it;
  }
  // The handler may settle it (auto-ack) before returning: hand it a copy.
  const MessageRef copy = *it;
  handler_.deliver(*this, copy);
}

MessageRef ServerConsumer::remove(ById::iterator found) {
  const auto at = found->second;
  MessageRef ref = std::move(*at);
  if (spare_refs_.size() < kMaxSpare) spare_refs_.splice(spare_refs_.end(), delivering_, at);
  else delivering_.erase(at);
  auto node = by_id_.extract(found);
  if (spare_ids_.size() < kMaxSpare) spare_ids_.push_back(std::move(node));
  delivering_bytes_ -= static_cast<std::int64_t>(ref.message->memory_size());
  return ref;
}

std::optional<MessageRef> ServerConsumer::take(std::uint64_t message_id) {
  auto found = by_id_.find(message_id);
  if (found == by_id_.end()) return std::nullopt;
  return remove(found);
}

std::vector<MessageRef> ServerConsumer::take_up_to(std::uint64_t message_id) {
  std::vector<MessageRef> out;
  auto found = by_id_.find(message_id);
  if (found == by_id_.end()) return out;
  // Oldest first, up to and including the named one.
  const auto last = found->second;
  for (bool done = false; !done;) {
    done = delivering_.begin() == last;
    const auto oldest = by_id_.find(delivering_.front().message->id());
    BROKER_ASSERT(oldest != by_id_.end(), "consumer {}: a delivery missing from its index", id_);
    out.push_back(remove(oldest));
  }
  return out;
}

bool ServerConsumer::ack(std::uint64_t message_id) {
  auto ref = take(message_id);
  if (!ref) return false;
  queue_.acknowledge(std::move(*ref));
  return true;
}

bool ServerConsumer::ack_up_to(std::uint64_t message_id) {
  auto refs = take_up_to(message_id);
  if (refs.empty()) return false;
  for (auto& ref : refs) queue_.acknowledge(std::move(ref));
  return true;
}

bool ServerConsumer::cancel(std::uint64_t message_id) {
  auto ref = take(message_id);
  if (!ref) return false;
  queue_.release(std::move(*ref), true);
  return true;
}

void ServerConsumer::add_credit(std::int64_t messages) {
  if (messages <= 0) return;
  options_.credit_messages += messages;
  queue_.dispatch();
}

void ServerConsumer::resume() { queue_.dispatch(); }

std::vector<MessageRef> ServerConsumer::take_deliveries() {
  std::vector<MessageRef> out;
  out.reserve(delivering_.size());
  for (auto& r : delivering_) out.push_back(std::move(r));
  delivering_.clear();
  by_id_.clear();
  delivering_bytes_ = 0;
  return out;
}

}  // namespace artemis::core
