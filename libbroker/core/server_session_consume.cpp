// ServerSession: consumers, subscription queues, temporary queues, settlement and browsing.
#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "core/address_settings.hpp"
#include "core/server_session.hpp"
#include "security/audit_log.hpp"
#include "util/strings.hpp"
#include "util/uuid.hpp"

namespace artemis::core {

class ServerSession::AuditedHandler final : public ConsumerHandler {
 public:
  AuditedHandler(ConsumerHandler& inner, const ServerSession& session)
      : inner_(inner), session_(session) {}
  bool ready(const ServerConsumer& c) const override { return inner_.ready(c); }
  void deliver(ServerConsumer& c, const MessageRef& ref) override {
    if (auto* a = session_.audit(); a != nullptr && a->message())
      a->message_consumed(session_.audit_caller(), c.queue().name(),
                          fmt::format("Message[messageID={}]", ref.message->id()));
    inner_.deliver(c, ref);
  }

 private:
  ConsumerHandler& inner_;
  const ServerSession& session_;
};

std::optional<Filter> ServerSession::parse_selector(const std::string& selector,
                                                    std::string& why) const {
  if (util::trim(selector).empty()) return std::nullopt;
  return Filter::parse(selector, why);
}

// A subscription (reference §2): MULTICAST-only address or an explicit MULTICAST request, not an
// FQQN. Its queue is made for the consumer: durable `<client-id>.<name>` or a temporary one.
SessionResult ServerSession::subscription_queue(const ConsumerRequest& r, std::string& queue,
                                                bool& temporary, bool& subscription) {
  const Target& t = r.target;
  const Address* a = po_.find_address(t.destination.address);
  subscription = !t.destination.fqqn() && a != nullptr &&
                 ((a->multicast && !a->anycast) || t.routing_type == RoutingType::multicast);
  temporary = false;
  if (!subscription) {
    queue = t.destination.queue.value_or(t.destination.address);
    if (po_.find_queue(queue) == nullptr)
      return Refused{errc::queue_not_found,
                     fmt::format("Destination {} does not exist", t.destination.to_string()),
                     fmt::format("no queue named {}", queue)};
    return std::nullopt;
  }
  std::string selector = r.selector;
  if (r.no_local)
    selector = Filter::conjoin(selector, fmt::format("{0} IS NULL OR {0} <> '{1}'",
                                                    props::connection_id, options_.connection_id));
  QueueDefinition def;
  def.address = t.destination.address;
  def.routing_type = RoutingType::multicast;
  std::string why;
  def.filter = parse_selector(selector, why);
  if (!def.filter && !why.empty()) return Refused{errc::bad_filter, "Invalid selector", why};
  const auto& named = r.durable_name ? r.durable_name : r.shared_volatile_name;
  if (named) {
    if (client_id_.empty() && !r.global)
      return Refused{errc::client_id_required, "Missing client-id",
                     "a named subscription needs a client id"};
    queue = r.global ? *named : client_id_ + "." + *named;
    if (!r.durable_name) queue += r.global ? ":shared-volatile:global" : ":shared-volatile";
    // A shared volatile queue goes with its last consumer, whichever session made it.
    temporary = !r.durable_name;
    if (Queue* existing = po_.find_queue(queue)) {
      if (existing->address() != def.address)
        return Refused{errc::subscription_in_use, "Subscription name in use",
                       fmt::format("queue {} is bound to address {}", queue, existing->address())};
      return std::nullopt;
    }
    if (auto refused = check(r.durable_name ? security::Permission::create_durable_queue
                                            : security::Permission::create_non_durable_queue,
                             def.address))
      return refused;
    def.durable = r.durable_name.has_value();
  } else {
    if (auto refused = check(security::Permission::create_non_durable_queue, def.address))
      return refused;
    queue = util::Uuid::generate().to_string();
    temporary = true;
    def.durable = false;
    def.temporary = true;
  }
  def.name = queue;
  def.user = subject_ ? subject_->user : "";
  if (auto refused = check_queue_limit()) return refused;
  if (auto ec = po_.create_queue(std::move(def)))
    return Refused{ec, fmt::format("Could not subscribe to {}", t.destination.to_string()),
                   ec.message()};
  if (auto* a = audit(); a != nullptr && a->resource())
    a->queue_created(audit_caller(), queue, t.destination.address, "MULTICAST");
  return std::nullopt;
}

SessionResult ServerSession::create_consumer(const ConsumerRequest& r, ConsumerHandler& handler,
                                             ConsumerInfo& out) {
  if (auto refused = ensure_exists(r.target)) return refused;
  if (auto refused = check(security::Permission::consume, r.target.destination.to_string()))
    return refused;
  std::string queue;
  bool temporary = false, subscription = false;
  if (auto refused = subscription_queue(r, queue, temporary, subscription)) return refused;
  Queue* q = po_.find_queue(queue);
  ConsumerOptions opts;
  opts.credit_mode = r.credit_mode;
  opts.window_bytes = r.window_bytes;
  opts.credit_messages = r.credit_messages;
  // On a subscription queue the selector and no-local are the queue's filter already.
  const bool made_for_it = temporary || (subscription && queue != r.target.destination.address);
  if (!made_for_it) {
    std::string why;
    opts.filter = parse_selector(r.selector, why);
    if (!opts.filter && !why.empty()) return Refused{errc::bad_filter, "Invalid selector", why};
    if (r.no_local) opts.no_local_connection = std::to_string(options_.connection_id);
  }
  auto audited = std::make_unique<AuditedHandler>(handler, *this);
  ServerConsumer* c = q->add_consumer(*audited, std::move(opts));
  if (c == nullptr) {
    if (temporary && q->consumer_count() == 0) po_.delete_queue(queue);
    return Refused{errc::max_consumers_reached, "Too many consumers",
                   fmt::format("queue {} has reached its max-consumers", queue)};
  }
  out.id = next_consumer_++;
  out.queue = queue;
  out.subscription = subscription;
  consumers_[out.id] = ConsumerEntry{c, queue, q->id(), temporary, std::move(audited)};
  return std::nullopt;
}

SessionResult ServerSession::create_temporary_queue(std::string& name) {
  name = util::Uuid::generate().to_string();
  if (auto refused = check(security::Permission::create_address, name)) return refused;
  if (auto refused = check(security::Permission::create_non_durable_queue, name)) return refused;
  if (auto refused = check_queue_limit()) return refused;
  if (auto ec = po_.create_address(name, RoutingType::anycast, true))
    return Refused{ec, "Could not create a temporary queue", ec.message()};
  QueueDefinition def;
  def.name = name;
  def.address = name;
  def.routing_type = RoutingType::anycast;
  def.durable = false;
  def.temporary = true;
  def.user = subject_ ? subject_->user : "";
  if (auto ec = po_.create_queue(std::move(def))) {
    po_.delete_address(name);
    return Refused{ec, "Could not create a temporary queue", ec.message()};
  }
  temporary_queues_.push_back(name);
  if (auto* a = audit(); a != nullptr && a->resource()) {
    a->address_created(audit_caller(), name, "ANYCAST");
    a->queue_created(audit_caller(), name, name, "ANYCAST");
  }
  return std::nullopt;
}

void ServerSession::delete_temporary_queue(const std::string& name) {
  auto it = std::find(temporary_queues_.begin(), temporary_queues_.end(), name);
  if (it == temporary_queues_.end()) return;
  po_.delete_queue(name);
  po_.delete_address(name);
  temporary_queues_.erase(it);  // last: `name` may be this very element
}

ServerConsumer* ServerSession::consumer(std::uint64_t id) {
  auto it = consumers_.find(id);
  return it == consumers_.end() ? nullptr : it->second.consumer;
}

void ServerSession::close_consumer(std::uint64_t id) {
  auto it = consumers_.find(id);
  if (it == consumers_.end()) return;
  const ConsumerEntry e = std::move(it->second);  // its handler lives until the queue let go
  consumers_.erase(it);
  if (Queue* q = po_.find_queue(e.queue); q != nullptr && q->id() == e.queue_id)
    q->remove_consumer(*e.consumer);
  // A session's temporary queue goes with it, whatever the user may delete (as in Artemis); a
  // shared volatile one with its last consumer.
  if (!e.temporary_queue) return;
  if (Queue* q = po_.find_queue(e.queue); q != nullptr && q->consumer_count() == 0)
    po_.delete_queue(e.queue);
}

void ServerSession::apply(Queue& queue, MessageRef ref, const Settlement& how,
                          std::uint64_t consumer) {
  switch (how.outcome) {
    case Outcome::accepted: queue.acknowledge(std::move(ref)); return;
    case Outcome::released: queue.release(std::move(ref), false); return;
    case Outcome::modified:
      if (how.undeliverable_here) ref.rare.refuse(consumer);
      queue.release(std::move(ref), how.delivery_failed);
      return;
    case Outcome::rejected: queue.reject(std::move(ref)); return;
  }
}

void ServerSession::apply_settled(PostOffice& po, std::vector<TxSettled>& settled) {
  // Messages going back to a queue go back per queue in one go, so they keep their order.
  std::map<std::tuple<std::string, std::uint64_t, bool>, std::vector<MessageRef>> returning;
  for (auto& s : settled) {
    Queue* q = po.find_queue(s.queue);
    if (q == nullptr || q->id() != s.queue_id) continue;
    const bool back = s.how.outcome == Outcome::released || s.how.outcome == Outcome::modified;
    if (!back) {
      apply(*q, std::move(s.ref), s.how, s.consumer);
      continue;
    }
    const bool counted = s.how.outcome == Outcome::modified && s.how.delivery_failed;
    if (s.how.outcome == Outcome::modified && s.how.undeliverable_here)
      s.ref.rare.refuse(s.consumer);
    returning[{s.queue, s.queue_id, counted}].push_back(std::move(s.ref));
  }
  settled.clear();
  for (auto& [key, refs] : returning)
    if (Queue* q = po.find_queue(std::get<0>(key)); q != nullptr && q->id() == std::get<1>(key))
      q->release_all(std::move(refs), std::get<2>(key));
}

// A rolled-back settlement was a delivery that failed: it comes back with its count + 1.
// Per queue in one go (Queue::release_all), so its consumers see them in their order again.
void ServerSession::return_settled(PostOffice& po, std::vector<TxSettled>& settled) {
  std::map<std::pair<std::string, std::uint64_t>, std::vector<MessageRef>> by_queue;
  for (auto& s : settled) by_queue[{s.queue, s.queue_id}].push_back(std::move(s.ref));
  settled.clear();
  for (auto& [key, refs] : by_queue)
    if (Queue* q = po.find_queue(key.first); q != nullptr && q->id() == key.second)
      q->release_all(std::move(refs), true);
}

SessionResult ServerSession::settle(std::uint64_t consumer_id, std::uint64_t message_id,
                                    Settlement how, const std::string* tx) {
  auto it = consumers_.find(consumer_id);
  if (it == consumers_.end())
    return Refused{errc::unknown_consumer, "Unknown consumer",
                   fmt::format("no consumer {} on this session", consumer_id)};
  Transaction* t = nullptr;
  if (tx != nullptr) {
    auto found = transactions_.find(*tx);
    if (found == transactions_.end())
      return Refused{errc::unknown_transaction, "No transaction started",
                     fmt::format("transaction '{}' is not open", *tx)};
    t = &found->second;
    if (t->sends.size() + t->settled.size() >= kMaxWorkPerTransaction)
      return Refused{errc::transaction_too_large, "Transaction too large",
                     fmt::format("at most {} messages per transaction", kMaxWorkPerTransaction)};
  }
  ServerConsumer& c = *it->second.consumer;
  std::vector<MessageRef> refs;
  if (how.cumulative) {
    refs = c.take_up_to(message_id);
  } else if (auto one = c.take(message_id)) {
    refs.push_back(std::move(*one));
  }
  if (refs.empty())
    return Refused{errc::unknown_delivery, "Message not awaiting acknowledgement",
                   fmt::format("message {} was already settled or never delivered", message_id)};
  Queue& q = c.queue();
  if (t != nullptr) {
    // Held by the transaction: the consumer's credit is back, the queue sees nothing yet.
    if (auto* a = audit(); a != nullptr && a->message() && how.outcome == Outcome::accepted)
      for (const auto& ref : refs)
        a->message_acknowledged(audit_caller(), q.name(),
                                fmt::format("Message[messageID={}]", ref.message->id()), *tx);
    for (auto& ref : refs) t->settled.push_back({q.name(), q.id(), c.id(), std::move(ref), how});
    q.dispatch();
    return std::nullopt;
  }
  if (how.outcome == Outcome::released || how.outcome == Outcome::modified) {
    // A cumulative one in one go, so the messages keep their order (Queue::release_all).
    if (how.outcome == Outcome::modified && how.undeliverable_here)
      for (auto& ref : refs) ref.rare.refuse(c.id());
    q.release_all(std::move(refs), how.outcome == Outcome::modified && how.delivery_failed);
    return std::nullopt;
  }
  if (auto* a = audit(); a != nullptr && a->message() && how.outcome == Outcome::accepted)
    for (const auto& ref : refs)
      a->message_acknowledged(audit_caller(), q.name(),
                              fmt::format("Message[messageID={}]", ref.message->id()), "");
  for (auto& ref : refs) apply(q, std::move(ref), how, c.id());
  return std::nullopt;
}

SessionResult ServerSession::delete_durable_subscription(const std::string& name, bool global) {
  if (client_id_.empty() && !global)
    return Refused{errc::client_id_required, "Missing client-id",
                   "removing a durable subscription needs a client id"};
  const std::string queue = global ? name : client_id_ + "." + name;
  Queue* q = po_.find_queue(queue);
  if (q == nullptr) return std::nullopt;
  if (q->consumer_count() != 0)
    return Refused{errc::subscription_in_use, "Durable subscription in use",
                   fmt::format("queue {} still has consumers", queue)};
  if (auto refused = check(security::Permission::delete_durable_queue, q->address()))
    return refused;
  po_.delete_queue(queue);
  if (auto* a = audit()) a->queue_deleted(audit_caller(), queue);
  return std::nullopt;
}

std::optional<std::string> ServerSession::durable_subscription_address(const std::string& name,
                                                                       bool global) {
  if (client_id_.empty() && !global) return std::nullopt;
  const Queue* q = po_.find_queue(global ? name : client_id_ + "." + name);
  if (q == nullptr || !q->durable()) return std::nullopt;
  if (check(security::Permission::consume, q->address())) return std::nullopt;
  return q->address();
}

SessionResult ServerSession::browse(const Target& t, const std::string& selector,
                                    const std::function<void(const MessageRef&)>& visit) {
  if (auto refused = check(security::Permission::browse, t.destination.to_string())) return refused;
  const std::string queue = t.destination.queue.value_or(t.destination.address);
  Queue* q = po_.find_queue(queue);
  if (q == nullptr)
    return Refused{errc::queue_not_found,
                   fmt::format("Destination {} does not exist", t.destination.to_string()),
                   fmt::format("no queue named {} to browse", queue)};
  std::string why;
  auto filter = parse_selector(selector, why);
  if (!filter && !why.empty()) return Refused{errc::bad_filter, "Invalid selector", why};
  q->for_each_waiting([&](const MessageRef& ref) {
    if (matches(filter, *ref.message)) visit(ref);
  });
  return std::nullopt;
}

}  // namespace artemis::core
