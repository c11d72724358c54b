#include "core/consumer.hpp"

#include <algorithm>
#include <utility>

#include "core/queue.hpp"

namespace artemis::core {

ServerConsumer::ServerConsumer(std::uint64_t id, Queue& queue, ConsumerHandler& handler,
                               ConsumerOptions opts)
    : id_(id), queue_(queue), handler_(handler), options_(std::move(opts)) {}

bool ServerConsumer::has_credit() const {
  if (!handler_.ready(*this)) return false;
  if (options_.window_bytes < 0) return true;
  if (options_.window_bytes == 0) return delivering_.empty();
  return delivering_bytes_ < options_.window_bytes;
}

void ServerConsumer::deliver(MessageRef ref) {
  delivering_bytes_ += static_cast<std::int64_t>(ref.message->memory_size());
  delivering_.push_back(ref);
  // The handler may ack (auto-ack) right away; `ref` is our own copy.
  handler_.deliver(*this, ref);
}

bool ServerConsumer::ack(std::uint64_t message_id) {
  auto it = std::find_if(delivering_.begin(), delivering_.end(),
                         [&](const MessageRef& r) { return r.message->id() == message_id; });
  if (it == delivering_.end()) return false;
  MessageRef ref = std::move(*it);
  delivering_.erase(it);
  delivering_bytes_ -= static_cast<std::int64_t>(ref.message->memory_size());
  queue_.acknowledged(*this, std::move(ref));
  return true;
}

bool ServerConsumer::ack_up_to(std::uint64_t message_id) {
  auto it = std::find_if(delivering_.begin(), delivering_.end(),
                         [&](const MessageRef& r) { return r.message->id() == message_id; });
  if (it == delivering_.end()) return false;
  std::deque<MessageRef> done(delivering_.begin(), std::next(it));
  delivering_.erase(delivering_.begin(), std::next(it));
  for (auto& ref : done) {
    delivering_bytes_ -= static_cast<std::int64_t>(ref.message->memory_size());
    queue_.acknowledged(*this, std::move(ref));
  }
  return true;
}

bool ServerConsumer::cancel(std::uint64_t message_id) {
  auto it = std::find_if(delivering_.begin(), delivering_.end(),
                         [&](const MessageRef& r) { return r.message->id() == message_id; });
  if (it == delivering_.end()) return false;
  MessageRef ref = std::move(*it);
  delivering_.erase(it);
  delivering_bytes_ -= static_cast<std::int64_t>(ref.message->memory_size());
  queue_.cancelled(std::move(ref));
  queue_.dispatch();
  return true;
}

void ServerConsumer::resume() { queue_.dispatch(); }

std::deque<MessageRef> ServerConsumer::take_deliveries() {
  delivering_bytes_ = 0;
  return std::exchange(delivering_, {});
}

}  // namespace artemis::core
