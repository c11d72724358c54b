#pragma once
// Queue: messages waiting for consumers, in 10 priority lanes (0-9, highest first, FIFO within
// a lane), plus scheduled messages (scheduled delivery, redelivery delay) and the deliveries
// its consumers hold. Dispatch round-robins over consumers with credit whose selector matches.
//
// What the queue cannot decide alone (persisting acks, dead-lettering, expiry, settings) it asks
// its QueueHost, the PostOffice. Broker thread only.
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/consumer.hpp"
#include "core/filter.hpp"
#include "core/message.hpp"
#include "util/scheduler.hpp"

namespace artemis::core {

class Queue;
struct ResolvedAddressSettings;

class QueueHost {
 public:
  virtual ~QueueHost() = default;
  virtual util::Scheduler& scheduler() = 0;
  virtual const ResolvedAddressSettings& settings_for(const std::string& address) = 0;
  // The ref left the queue for good (acked, dead-lettered, expired): persist, free memory.
  virtual void removed(Queue& queue, const MessageRef& ref) = 0;
  // A durable ref's delivery count changed.
  virtual void delivery_count_changed(Queue& queue, const MessageRef& ref) = 0;
  // Move a copy to the dead-letter / expiry address; the host then calls removed().
  virtual void dead_letter(Queue& queue, const MessageRef& ref) = 0;
  virtual void expire(Queue& queue, const MessageRef& ref) = 0;
  // The queue was purged: what it would still read back from page files goes too.
  virtual void purged(Queue& /*queue*/) {}
  // A consumer was added: a paged queue reads its pages only while someone consumes.
  virtual void consumer_added(Queue& /*queue*/) {}
};

struct QueueDefinition {
  std::uint64_t id = 0;
  std::string name;
  std::string address;
  RoutingType routing_type = RoutingType::anycast;
  std::optional<Filter> filter;
  bool durable = true;
  bool temporary = false;      // deleted with the session that created it
  bool auto_created = false;
  bool purge_on_no_consumers = false;
  int max_consumers = -1;
  std::string user;
  bool persisted_pause = false;  // paused with pause(true): kept paused across restarts
};

// What the bindings journal keeps of a durable queue.
store::QueueRecord queue_record(const QueueDefinition& def);

class Queue {
 public:
  Queue(QueueDefinition def, QueueHost& host);
  ~Queue();
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  const QueueDefinition& definition() const { return def_; }
  const std::string& name() const { return def_.name; }
  const std::string& address() const { return def_.address; }
  std::uint64_t id() const { return def_.id; }
  bool durable() const { return def_.durable; }
  RoutingType routing_type() const { return def_.routing_type; }

  // Whether the queue filter lets the message in (routing checks this first).
  bool accepts(const Message& m) const { return matches(def_.filter, m); }
  // A routed (or reloaded) message; dispatches.
  void add(MessageRef ref);

  // Fails with nullptr when max-consumers is reached.
  ServerConsumer* add_consumer(ConsumerHandler& handler, ConsumerOptions options);
  // Returns the consumer's unacknowledged deliveries to the queue (delivery count + 1).
  void remove_consumer(ServerConsumer& consumer);

  // Delivers what consumers can take now. Safe to call re-entrantly (from a deliver callback).
  void dispatch();

  // Settling a delivery a consumer handed over (ServerConsumer::take), now or at the end of a
  // transaction; each dispatches. acknowledge: gone for good (persisted, counted).
  void acknowledge(MessageRef ref);
  // Back to the head of its lane. count_delivery: the delivery failed (delivery count + 1, so
  // max-delivery-attempts may dead-letter it and redelivery-delay applies); otherwise it comes
  // back as if never delivered.
  void release(MessageRef ref, bool count_delivery);
  // Several at once, oldest first (a cumulative or rolled-back settlement): dispatched once
  // all are back, so they keep their order; one by one, each would be dispatched (or put at the
  // head) before the earlier one behind it.
  void release_all(std::vector<MessageRef> refs, bool count_delivery);
  // To the dead-letter address (or dropped when there is none), counted as killed.
  void reject(MessageRef ref);
  // Drops expired waiting messages through the host (the reaper).
  void expire_scan();
  // Removes every waiting message (not the ones being delivered); returns how many.
  std::size_t purge();
  // Removes the waiting and scheduled messages the filter matches (all without one), counted
  // as killed; returns how many (management's removeMessages).
  std::size_t remove_matching(const std::optional<Filter>& filter);
  // The same for the messages `pick` chooses (removeMessage by id).
  std::size_t remove_where(const std::function<bool(const MessageRef&)>& pick);
  // The waiting and scheduled messages the filter matches (management's countMessages).
  std::size_t count_matching(const std::optional<Filter>& filter) const;
  // Management's moves: takes the waiting (and scheduled) messages `pick` chooses out of the
  // queue, uncounted; each then comes back (put_back) or leaves for good (moved_out, counted as
  // acknowledged, as Artemis counts a moved message).
  std::vector<MessageRef> take_matching(const std::function<bool(const MessageRef&)>& pick);
  void put_back(MessageRef ref);
  void moved_out(const MessageRef& ref);
  // A paused queue keeps receiving messages and delivers none until resumed (management).
  // `persist`: the queue's record says so, and it comes back paused after a restart
  // (PostOffice::pause_queue writes it).
  void pause(bool persist = false) {
    paused_ = true;
    def_.persisted_pause = def_.persisted_pause || persist;
  }
  void resume() {
    paused_ = false;
    def_.persisted_pause = false;
    dispatch();
  }
  bool paused() const { return paused_; }

  std::size_t consumer_count() const { return consumers_.size(); }
  std::size_t message_count() const;  // waiting + scheduled + delivering
  std::size_t delivering_count() const;
  std::size_t scheduled_count() const { return scheduled_.size(); }
  std::uint64_t messages_added() const { return messages_added_; }
  std::uint64_t messages_acknowledged() const { return messages_acked_; }
  std::uint64_t messages_expired() const { return messages_expired_; }
  std::uint64_t messages_killed() const { return messages_killed_; }  // dead-lettered
  std::int64_t created_ms() const { return created_ms_; }
  // When the last consumer left; -1 while no consumer ever left.
  std::int64_t consumer_removed_ms() const { return consumer_removed_ms_; }
  // Whether anything ever happened to the queue (auto-delete spares queues nobody used yet).
  bool used() const {
    return messages_acked_ > 0 || messages_expired_ > 0 || messages_killed_ > 0 ||
           consumer_removed_ms_ >= 0;
  }
  // broker.xml lists the queue: it is no longer a candidate for auto-delete, whatever the
  // journal says about how it came to be.
  void mark_configured() { def_.auto_created = false; }
  // Management's updateQueue: the settings that may change while the queue lives.
  void redefine(int max_consumers, bool purge_on_no_consumers, std::string user) {
    def_.max_consumers = max_consumers;
    def_.purge_on_no_consumers = purge_on_no_consumers;
    def_.user = std::move(user);
  }
  // Visits waiting messages, highest priority first (browse, data print, tests).
  template <class Fn>
  void for_each_waiting(Fn&& fn) const {
    for (int p = 9; p >= 0; --p)
      for (const auto& ref : lanes_[p]) fn(ref);
  }

 private:
  friend class ServerConsumer;
  void cancelled(MessageRef ref);  // back from a consumer: count, DLQ or redeliver
  void enqueue_now(MessageRef ref, bool at_head);
  void schedule(MessageRef ref);
  void arm_timer();
  void on_timer();
  bool dispatch_one();
  ServerConsumer* pick_consumer(const MessageRef& ref);

  QueueDefinition def_;
  QueueHost& host_;
  std::array<std::deque<MessageRef>, 10> lanes_;
  std::multimap<std::int64_t, MessageRef> scheduled_;  // by not_before
  util::Scheduler::TimerId timer_ = 0;
  std::int64_t timer_due_ = 0;
  std::list<std::unique_ptr<ServerConsumer>> consumers_;
  std::size_t next_consumer_ = 0;  // round-robin position
  std::uint64_t next_consumer_id_ = 1;
  bool paused_ = false;
  bool dispatching_ = false;
  bool redispatch_ = false;
  std::uint64_t messages_added_ = 0;
  std::uint64_t messages_acked_ = 0;
  std::uint64_t messages_expired_ = 0;
  std::uint64_t messages_killed_ = 0;
  std::int64_t created_ms_ = 0;
  std::int64_t consumer_removed_ms_ = -1;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // guards timer callbacks
};

}  // namespace artemis::core
