#include "core/queue.hpp"

#include <algorithm>
#include <cmath>

#include "core/address_settings.hpp"
#include "util/assert.hpp"

namespace artemis::core {

Queue::Queue(QueueDefinition def, QueueHost& host)
    : def_(std::move(def)), host_(host), created_ms_(host_.scheduler().now_ms()) {}

Queue::~Queue() {
  *alive_ = false;
  if (timer_ != 0) host_.scheduler().cancel(timer_);
}

void Queue::add(MessageRef ref) {
  ++messages_added_;
  if (ref.not_before() > host_.scheduler().now_ms()) {
    schedule(std::move(ref));
    return;
  }
  enqueue_now(std::move(ref), false);
  dispatch();
}

void Queue::enqueue_now(MessageRef ref, bool at_head) {
  auto& lane = lanes_[std::min<int>(ref.message->record.priority, 9)];
  if (at_head) lane.push_front(std::move(ref));
  else lane.push_back(std::move(ref));
}

void Queue::schedule(MessageRef ref) {
  scheduled_.emplace(ref.not_before(), std::move(ref));
  arm_timer();
}

void Queue::arm_timer() {
  if (scheduled_.empty()) return;
  const std::int64_t due = scheduled_.begin()->first;
  if (timer_ != 0 && timer_due_ <= due) return;
  if (timer_ != 0) host_.scheduler().cancel(timer_);
  const auto delay = std::max<std::int64_t>(0, due - host_.scheduler().now_ms());
  timer_due_ = due;
  timer_ = host_.scheduler().schedule_after(std::chrono::milliseconds(delay),
                                            [this, alive = alive_] {
                                              if (*alive) on_timer();
                                            });
}

void Queue::on_timer() {
  timer_ = 0;
  const auto now = host_.scheduler().now_ms();
  while (!scheduled_.empty() && scheduled_.begin()->first <= now) {
    auto ref = std::move(scheduled_.begin()->second);
    scheduled_.erase(scheduled_.begin());
    // A redelivered message goes back to the head of its lane, as if it had never left.
    enqueue_now(std::move(ref), ref.delivery_count > 0);
  }
  arm_timer();
  dispatch();
}

ServerConsumer* Queue::add_consumer(ConsumerHandler& handler, ConsumerOptions options) {
  if (def_.max_consumers >= 0 && static_cast<int>(consumers_.size()) >= def_.max_consumers)
    return nullptr;
  consumers_.push_back(
      std::make_unique<ServerConsumer>(next_consumer_id_++, *this, handler, std::move(options)));
  ServerConsumer* c = consumers_.back().get();
  dispatch();
  host_.consumer_added(*this);
  return c;
}

void Queue::remove_consumer(ServerConsumer& consumer) {
  auto it = std::find_if(consumers_.begin(), consumers_.end(),
                         [&](const auto& c) { return c.get() == &consumer; });
  BROKER_ASSERT(it != consumers_.end(), "consumer {} is not on queue {}", consumer.id(), name());
  auto held = (*it)->take_deliveries();
  consumers_.erase(it);
  consumer_removed_ms_ = host_.scheduler().now_ms();
  // Return in reverse so the earliest delivery ends up first at the head of its lane.
  for (auto r = held.rbegin(); r != held.rend(); ++r) cancelled(std::move(*r));
  if (consumers_.empty() && def_.purge_on_no_consumers) purge();
  dispatch();
}

void Queue::acknowledge(MessageRef ref) {
  ++messages_acked_;
  host_.removed(*this, ref);
  dispatch();  // the consumer's window has room again
}

void Queue::release(MessageRef ref, bool count_delivery) {
  if (count_delivery) cancelled(std::move(ref));
  else enqueue_now(std::move(ref), true);
  dispatch();
}

void Queue::release_all(std::vector<MessageRef> refs, bool count_delivery) {
  for (auto r = refs.rbegin(); r != refs.rend(); ++r) {
    if (count_delivery) cancelled(std::move(*r));
    else enqueue_now(std::move(*r), true);
  }
  dispatch();
}

void Queue::reject(MessageRef ref) {
  ++messages_killed_;
  host_.dead_letter(*this, ref);
  dispatch();
}

void Queue::cancelled(MessageRef ref) {
  ++ref.delivery_count;
  const auto& s = host_.settings_for(def_.address);
  if (s.max_delivery_attempts > 0 &&
      ref.delivery_count >= static_cast<std::uint32_t>(s.max_delivery_attempts)) {
    ++messages_killed_;
    host_.dead_letter(*this, ref);
    return;
  }
  host_.delivery_count_changed(*this, ref);
  if (s.redelivery_delay > 0) {
    double delay = static_cast<double>(s.redelivery_delay) *
                   std::pow(s.redelivery_delay_multiplier, ref.delivery_count - 1.0);
    const std::int64_t cap = s.max_redelivery_delay > 0 ? s.max_redelivery_delay
                                                       : s.redelivery_delay * 10;
    const auto ms = std::min<std::int64_t>(static_cast<std::int64_t>(delay), cap);
    ref.rare.set_redeliver_at(host_.scheduler().now_ms() + ms);
    schedule(std::move(ref));
    return;
  }
  enqueue_now(std::move(ref), true);
}

ServerConsumer* Queue::pick_consumer(const MessageRef& ref) {
  const std::size_t n = consumers_.size();
  auto it = consumers_.begin();
  std::advance(it, next_consumer_ % n);
  for (std::size_t i = 0; i < n; ++i) {
    ServerConsumer* c = it->get();
    if (++it == consumers_.end()) it = consumers_.begin();
    if (c->has_credit() && c->accepts(ref)) {
      next_consumer_ = (next_consumer_ + i + 1) % n;
      return c;
    }
  }
  return nullptr;
}

bool Queue::dispatch_one() {
  if (paused_ || consumers_.empty()) return false;
  const bool any_credit = std::any_of(consumers_.begin(), consumers_.end(),
                                      [](const auto& c) { return c->has_credit(); });
  if (!any_credit) return false;
  const auto now = host_.scheduler().now_ms();
  for (int p = 9; p >= 0; --p) {
    auto& lane = lanes_[p];
    for (std::size_t i = 0; i < lane.size(); ++i) {
      if (lane[i].message->expired(now)) {
        MessageRef ref = std::move(lane[i]);
        lane.erase(lane.begin() + static_cast<std::ptrdiff_t>(i));
        ++messages_expired_;
        host_.expire(*this, ref);
        return true;
      }
      ServerConsumer* c = pick_consumer(lane[i]);
      if (c == nullptr) continue;  // nobody's selector takes it (or no credit): look further
      MessageRef ref = std::move(lane[i]);
      lane.erase(lane.begin() + static_cast<std::ptrdiff_t>(i));
      c->deliver(std::move(ref));
      return true;
    }
  }
  return false;
}

void Queue::dispatch() {
  if (dispatching_) {
    redispatch_ = true;
    return;
  }
  dispatching_ = true;
  do {
    redispatch_ = false;
    while (dispatch_one()) {
    }
  } while (redispatch_);
  dispatching_ = false;
}

void Queue::expire_scan() {
  const auto now = host_.scheduler().now_ms();
  std::vector<MessageRef> expired;
  for (auto& lane : lanes_) {
    for (auto it = lane.begin(); it != lane.end();) {
      if (it->message->expired(now)) {
        expired.push_back(std::move(*it));
        it = lane.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto it = scheduled_.begin(); it != scheduled_.end();) {
    if (it->second.message->expired(now)) {
      expired.push_back(std::move(it->second));
      it = scheduled_.erase(it);
    } else {
      ++it;
    }
  }
  messages_expired_ += expired.size();
  for (auto& ref : expired) host_.expire(*this, ref);
}

std::size_t Queue::purge() {
  std::vector<MessageRef> all;
  for (auto& lane : lanes_) {
    for (auto& r : lane) all.push_back(std::move(r));
    lane.clear();
  }
  for (auto& [t, r] : scheduled_) all.push_back(std::move(r));
  scheduled_.clear();
  for (auto& r : all) host_.removed(*this, r);
  host_.purged(*this);
  return all.size();
}

store::QueueRecord queue_record(const QueueDefinition& def) {
  store::QueueRecord r;
  r.id = def.id;
  r.name = def.name;
  r.address = def.address;
  r.routing_type = to_store(def.routing_type);
  if (def.filter) r.filter = def.filter->text();
  r.auto_created = def.auto_created;
  r.purge_on_no_consumers = def.purge_on_no_consumers;
  r.max_consumers = def.max_consumers;
  r.user = def.user;
  r.paused = def.persisted_pause;
  return r;
}

std::vector<MessageRef> Queue::take_matching(const std::function<bool(const MessageRef&)>& pick) {
  std::vector<MessageRef> taken;
  for (auto& lane : lanes_) {
    std::erase_if(lane, [&](MessageRef& r) {
      if (!pick(r)) return false;
      taken.push_back(std::move(r));
      return true;
    });
  }
  std::erase_if(scheduled_, [&](auto& entry) {
    if (!pick(entry.second)) return false;
    taken.push_back(std::move(entry.second));
    return true;
  });
  return taken;
}

void Queue::put_back(MessageRef ref) {
  if (ref.not_before() > host_.scheduler().now_ms())
    schedule(std::move(ref));
  else
    enqueue_now(std::move(ref), true);
  dispatch();
}

void Queue::moved_out(const MessageRef& ref) {
  ++messages_acked_;
  host_.removed(*this, ref);
}

std::size_t Queue::remove_matching(const std::optional<Filter>& filter) {
  return remove_where([&](const MessageRef& r) { return matches(filter, *r.message); });
}

std::size_t Queue::remove_where(const std::function<bool(const MessageRef&)>& pick) {
  auto gone = take_matching(pick);
  messages_killed_ += gone.size();
  for (auto& r : gone) host_.removed(*this, r);
  return gone.size();
}

std::size_t Queue::count_matching(const std::optional<Filter>& filter) const {
  std::size_t n = 0;
  for (const auto& lane : lanes_)
    for (const auto& r : lane) n += matches(filter, *r.message) ? 1 : 0;
  for (const auto& [due, r] : scheduled_) n += matches(filter, *r.message) ? 1 : 0;
  return n;
}

std::size_t Queue::delivering_count() const {
  std::size_t n = 0;
  for (const auto& c : consumers_) n += c->delivering_count();
  return n;
}

std::size_t Queue::message_count() const {
  std::size_t n = scheduled_.size() + delivering_count();
  for (const auto& lane : lanes_) n += lane.size();
  return n;
}

}  // namespace artemis::core
