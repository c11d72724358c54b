#pragma once
// ServerConsumer: one consumer attached to a Queue, on behalf of a ServerSession.
//
// Credit (who may receive now): the handler must be ready (its connection's write queue is under
// its high-water mark) and the consumer must have credit of its kind:
//   bytes     bytes delivered but not yet settled stay under a window (STOMP, core protocol):
//             -1 unlimited, 0 one message at a time; settling gives the credit back.
//   messages  a count the client grants (AMQP link credit, MQTT receive-maximum): each delivery
//             takes one; add_credit() gives more; settling gives none back.
// When a handler becomes ready again it calls resume(), which restarts dispatch.
//
// Deliveries are indexed by message id, so settling one costs O(1) whatever the window.
// take() / take_up_to() hand deliveries to the caller (ServerSession) which settles them on the
// queue now or at the end of a transaction. Closing the consumer returns every unsettled
// delivery to the queue (delivery count + 1).
//
// Lifetime: owned by its Queue (Queue::add_consumer / Queue::remove_consumer). Broker thread.
#include <algorithm>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/filter.hpp"
#include "core/message.hpp"

namespace artemis::core {

class Queue;
class ServerConsumer;

// What a few refs need and most never do: the consumers (queue-local ids) that settled it
// "undeliverable here", and when a delayed redelivery may go out. A queue holds refs by the
// hundred thousand: one pointer each, the state allocated only when used.
class RefRareState {
 public:
  RefRareState() = default;
  RefRareState(const RefRareState& o) : s_(o.s_ ? std::make_unique<State>(*o.s_) : nullptr) {}
  RefRareState(RefRareState&&) noexcept = default;
  RefRareState& operator=(const RefRareState& o) {
    if (this != &o) s_ = o.s_ ? std::make_unique<State>(*o.s_) : nullptr;
    return *this;
  }
  RefRareState& operator=(RefRareState&&) noexcept = default;

  void refuse(std::uint64_t consumer) { state().refused.push_back(consumer); }
  bool refused_by(std::uint64_t consumer) const {
    return s_ && std::find(s_->refused.begin(), s_->refused.end(), consumer) != s_->refused.end();
  }
  // Epoch ms before which a redelivery waits; 0 when none is delayed.
  std::int64_t redeliver_at() const { return s_ ? s_->redeliver_at : 0; }
  void set_redeliver_at(std::int64_t ms) { state().redeliver_at = ms; }

 private:
  struct State {
    std::vector<std::uint64_t> refused;
    std::int64_t redeliver_at = 0;
  };
  State& state() {
    if (!s_) s_ = std::make_unique<State>();
    return *s_;
  }
  std::unique_ptr<State> s_;
};

// A message on a queue: the shared message plus this queue's bookkeeping (32 bytes).
struct MessageRef {
  MessagePtr message;
  std::uint32_t delivery_count = 0;  // times it came back unacknowledged
  PagePosition page;  // set when it came from a page file: its ack goes to the page cursor
  RefRareState rare;

  // Epoch ms before which it is not delivered: its scheduled time or a delayed redelivery.
  std::int64_t not_before() const {
    return std::max(message->record.scheduled, rare.redeliver_at());
  }
};

// Implemented by the protocol side of a session.
class ConsumerHandler {
 public:
  virtual ~ConsumerHandler() = default;
  // False while the connection is congested: dispatch skips this consumer.
  virtual bool ready(const ServerConsumer& consumer) const = 0;
  // Write the message out. May settle it on the consumer (auto-ack) before returning.
  virtual void deliver(ServerConsumer& consumer, const MessageRef& ref) = 0;
};

enum class CreditMode { bytes, messages };

struct ConsumerOptions {
  std::optional<Filter> filter;
  CreditMode credit_mode = CreditMode::bytes;
  std::int64_t window_bytes = -1;   // bytes mode: -1 unlimited, 0 one at a time
  std::int64_t credit_messages = 0; // messages mode: what the client granted so far
  // No-local: messages sent on this connection (property __AMQ_CID) are not for this consumer.
  std::optional<std::string> no_local_connection;
};

class ServerConsumer {
 public:
  ServerConsumer(std::uint64_t id, Queue& queue, ConsumerHandler& handler, ConsumerOptions opts);
  ServerConsumer(const ServerConsumer&) = delete;
  ServerConsumer& operator=(const ServerConsumer&) = delete;

  std::uint64_t id() const { return id_; }
  Queue& queue() { return queue_; }
  const Queue& queue() const { return queue_; }

  // Settle on the queue at once. False when no such delivery is outstanding on this consumer.
  bool ack(std::uint64_t message_id);
  bool ack_up_to(std::uint64_t message_id);
  bool cancel(std::uint64_t message_id);  // back to the queue, delivery count + 1

  // Removes an outstanding delivery (the caller settles it on the queue, maybe later).
  std::optional<MessageRef> take(std::uint64_t message_id);
  // It and every earlier outstanding delivery, oldest first; empty when unknown.
  std::vector<MessageRef> take_up_to(std::uint64_t message_id);

  // Messages mode: grant more (AMQP flow); dispatches.
  void add_credit(std::int64_t messages);
  std::int64_t credit_messages() const { return options_.credit_messages; }
  // Messages mode: the client took back what it had not used (an AMQP drain).
  void clear_credit() { options_.credit_messages = 0; }
  // The handler became ready again (connection drained).
  void resume();

  // Its session is closing: nothing more is offered to it (has no credit from now on).
  void stop() { stopped_ = true; }

  std::size_t delivering_count() const { return delivering_.size(); }
  const std::optional<Filter>& filter() const { return options_.filter; }
  std::int64_t delivering_bytes() const { return delivering_bytes_; }

 private:
  friend class Queue;
  bool has_credit() const;
  bool accepts(const MessageRef& ref) const;
  void deliver(MessageRef ref);
  // Hands every outstanding delivery back, oldest first (consumer closing).
  std::vector<MessageRef> take_deliveries();

  std::uint64_t id_;
  Queue& queue_;
  ConsumerHandler& handler_;
  ConsumerOptions options_;
  using ById = std::unordered_map<std::uint64_t, std::list<MessageRef>::iterator>;
  std::list<MessageRef> delivering_;  // in delivery order
  ById by_id_;
  // Nodes of settled deliveries, reused by the next ones: a steady stream of deliveries and
  // acknowledgements then allocates nothing here. At most kMaxSpare of each are kept.
  static constexpr std::size_t kMaxSpare = 1024;
  std::list<MessageRef> spare_refs_;
  std::vector<ById::node_type> spare_ids_;
  // Takes a delivery out of delivering_ and by_id_, keeping their nodes for reuse.
  MessageRef remove(ById::iterator found);
  std::int64_t delivering_bytes_ = 0;
  bool stopped_ = false;
};

}  // namespace artemis::core
