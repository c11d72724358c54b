#pragma once
// ServerConsumer: one consumer attached to a Queue, on behalf of a protocol session.
//
// Flow control: a consumer takes messages while it has credit: its handler says it is ready
// (the connection's write queue is under its high-water mark) and the bytes delivered but not
// yet acknowledged are under its window. window -1 = unlimited; 0 = one message at a time.
// When a handler becomes ready again it calls resume(), which restarts dispatch.
//
// Acknowledgement: ack() (one message), ack_up_to() (it and every earlier delivery of this
// consumer), cancel() (back to the queue, delivery count + 1). Closing the consumer returns
// every unacknowledged delivery the same way.
//
// Lifetime: owned by its Queue (Queue::add_consumer / Queue::remove_consumer). Broker thread.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "core/filter.hpp"
#include "core/message.hpp"

namespace artemis::core {

class Queue;
class ServerConsumer;

// A message on a queue: the shared message plus this queue's bookkeeping.
struct MessageRef {
  MessagePtr message;
  std::uint32_t delivery_count = 0;  // times it came back unacknowledged
  std::int64_t not_before = 0;       // scheduled delivery / redelivery delay (epoch ms)
};

// Implemented by the protocol session.
class ConsumerHandler {
 public:
  virtual ~ConsumerHandler() = default;
  // False while the connection is congested: dispatch skips this consumer.
  virtual bool ready(const ServerConsumer& consumer) const = 0;
  // Write the message out. May call ack() on the consumer (auto-ack) before returning.
  virtual void deliver(ServerConsumer& consumer, const MessageRef& ref) = 0;
};

struct ConsumerOptions {
  std::optional<Filter> filter;
  std::int64_t window_bytes = -1;  // -1 unlimited, 0 one at a time
};

class ServerConsumer {
 public:
  ServerConsumer(std::uint64_t id, Queue& queue, ConsumerHandler& handler, ConsumerOptions opts);
  ServerConsumer(const ServerConsumer&) = delete;
  ServerConsumer& operator=(const ServerConsumer&) = delete;

  std::uint64_t id() const { return id_; }
  Queue& queue() { return queue_; }
  const Queue& queue() const { return queue_; }

  // False when no such delivery is outstanding on this consumer.
  bool ack(std::uint64_t message_id);
  bool ack_up_to(std::uint64_t message_id);
  bool cancel(std::uint64_t message_id);
  // The handler became ready again (connection drained).
  void resume();

  std::size_t delivering_count() const { return delivering_.size(); }
  std::int64_t delivering_bytes() const { return delivering_bytes_; }

 private:
  friend class Queue;
  bool has_credit() const;
  bool accepts(const Message& m) const { return matches(options_.filter, m); }
  void deliver(MessageRef ref);
  // Hands every outstanding delivery back (consumer closing).
  std::deque<MessageRef> take_deliveries();

  std::uint64_t id_;
  Queue& queue_;
  ConsumerHandler& handler_;
  ConsumerOptions options_;
  std::deque<MessageRef> delivering_;  // in delivery order
  std::int64_t delivering_bytes_ = 0;
};

}  // namespace artemis::core
