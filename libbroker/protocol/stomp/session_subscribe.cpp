// SUBSCRIBE / UNSUBSCRIBE / ACK / NACK and delivery (reference §6.2, §6.4, §6.5, §6.6).
#include <fmt/core.h>

#include "core/address_settings.hpp"
#include "core/broker_core.hpp"
#include "protocol/stomp/message_mapping.hpp"
#include "protocol/stomp/session.hpp"
#include "util/strings.hpp"
#include "util/uuid.hpp"

namespace artemis::protocol::stomp_session {
namespace {

constexpr std::string_view kConvert = "convert_string_expressions:";

const std::string* durable_name(const codec::Frame& f) {
  for (auto h : {"durable-subscription-name", "durable-subscriber-name", "activemq.subscriptionName"})
    if (const auto* v = f.header(h)) return v;
  return nullptr;
}

// STOMP headers are strings: let numeric comparisons convert them (see core/filter.hpp).
std::string stomp_selector(const std::string& s) {
  if (s.find(kConvert) != std::string::npos) return s;
  return std::string(kConvert) + s;
}

}  // namespace

bool Subscription::ready(const core::ServerConsumer&) const {
  return !session->closing_ && session->conn_.pending_bytes() < StompSession::kHighWaterBytes;
}

void Subscription::deliver(core::ServerConsumer& c, const core::MessageRef& ref) {
  DeliveryHeaders h;
  h.subscription = id;
  h.ack_id = fmt::format("{},{}", number, ref.message->id());
  h.ack_header = ack != AckMode::auto_ack && session->version_ == codec::Version::v1_2;
  session->send_frame(message_frame(ref, h));
  if (ack == AckMode::auto_ack) c.ack(ref.message->id());
}

Outcome StompSession::subscribe_queue(const codec::Frame& f, const Target& t, std::string& queue,
                                      bool& temporary) {
  auto& po = ctx_.core.post_office();
  const core::Address* a = po.find_address(t.destination.address);
  const bool subscription =
      !t.destination.fqqn() && a != nullptr &&
      ((a->multicast && !a->anycast) || t.explicit_type == core::RoutingType::multicast);
  const auto* selector = f.header("selector");
  std::optional<core::Filter> filter;
  if (selector != nullptr && !util::trim(*selector).empty()) {
    std::string why;
    filter = core::Filter::parse(stomp_selector(*selector), why);
    if (!filter) return Refusal{"Invalid selector", why, false};
  }
  if (!subscription) {
    queue = t.destination.queue.value_or(t.destination.address);
    temporary = false;
    if (po.find_queue(queue) == nullptr)
      return Refusal{fmt::format("Destination {} does not exist", t.destination.to_string()),
                     fmt::format("no queue named {}", queue), false};
    return std::nullopt;
  }
  core::QueueDefinition def;
  def.address = t.destination.address;
  def.routing_type = core::RoutingType::multicast;
  def.filter = filter;
  if (const auto* name = durable_name(f)) {
    if (client_id_.empty())
      return Refusal{"Missing client-id", "a durable subscription needs a client-id on CONNECT", false};
    queue = client_id_ + "." + *name;
    temporary = false;
    if (core::Queue* existing = po.find_queue(queue)) {
      if (existing->address() != def.address)
        return Refusal{"Durable subscription name in use",
                       fmt::format("queue {} is bound to address {}", queue, existing->address()), false};
      return std::nullopt;
    }
    if (auto r = authorize(security::Permission::create_durable_queue, def.address)) return r;
    def.name = queue;
    def.durable = true;
  } else {
    if (auto r = authorize(security::Permission::create_non_durable_queue, def.address)) return r;
    queue = util::Uuid::generate().to_string();
    temporary = true;
    def.name = queue;
    def.durable = false;
    def.temporary = true;
  }
  if (auto ec = po.create_queue(std::move(def)))
    return Refusal{fmt::format("Could not subscribe to {}", t.destination.to_string()), ec.message(), false};
  return std::nullopt;
}

Outcome StompSession::on_subscribe(const codec::Frame& f) {
  const auto* dest = f.header("destination");
  if (dest == nullptr || dest->empty())
    return Refusal{"Destination is required", "SUBSCRIBE needs a 'destination' header", false};
  const std::string id = f.header_or("id", "subscription/" + *dest);
  if (subscriptions_.count(id))
    return Refusal{"Duplicate subscription id", fmt::format("subscription '{}' already exists", id), false};
  AckMode mode = AckMode::auto_ack;
  const std::string ack = f.header_or("ack", "auto");
  if (ack == "client") mode = AckMode::client;
  else if (ack == "client-individual") mode = AckMode::client_individual;
  else if (ack != "auto")
    return Refusal{"Invalid ack mode", fmt::format("ack must be auto, client or client-individual, got '{}'", ack), false};

  if (auto r = check_routing_type(f, "subscription-type")) return r;
  const Target t = resolve(*dest, f.header("subscription-type"));
  if (f.header_or("browser", "false") == "true") return browse(f, id, t);
  if (auto r = ensure_exists(t)) return r;
  if (auto r = authorize(security::Permission::consume, t.destination.to_string())) return r;
  std::string queue;
  bool temporary = false;
  if (auto r = subscribe_queue(f, t, queue, temporary)) return r;

  core::ConsumerOptions opts;
  const core::Address* a = ctx_.core.post_office().find_address(t.destination.address);
  const bool subscription_queue = temporary || (a && queue != t.destination.address && !t.destination.fqqn());
  if (const auto* sel = f.header("selector"); sel && !subscription_queue && !util::trim(*sel).empty()) {
    std::string why;
    opts.filter = core::Filter::parse(stomp_selector(*sel), why);
    if (!opts.filter) return Refusal{"Invalid selector", why, false};
  }
  std::optional<std::int64_t> window;
  for (auto h : {"activemq.prefetchSize", "consumer-window-size"})  // the latter wins
    if (const auto* v = f.header(h)) {
      const auto n = util::parse_int(*v);
      if (!n || *n < -1) return Refusal{"Invalid window size", fmt::format("{} must be -1 or more, got '{}'", h, *v), false};
      window = *n;
    }
  if (!window) {
    if (mode == AckMode::auto_ack) window = -1;
    else {
      auto it = conn_.acceptor().params.find("stompConsumerWindowSize");
      window = it == conn_.acceptor().params.end() ? 10240
                                                   : util::parse_int(it->second).value_or(10240);
    }
  }
  opts.window_bytes = *window;

  auto sub = std::make_unique<Subscription>();
  sub->session = this;
  sub->id = id;
  sub->number = next_subscription_++;
  sub->destination = *dest;
  sub->queue = queue;
  sub->temporary_queue = temporary;
  sub->ack = mode;
  core::Queue* q = ctx_.core.post_office().find_queue(queue);
  // The receipt goes out before the first delivery (§6.7).
  if (f.header("receipt")) receipt_slot(f)({});
  Subscription& s = *sub;
  subscriptions_[id] = std::move(sub);
  s.consumer = q->add_consumer(s, std::move(opts));
  if (s.consumer == nullptr) {
    if (temporary) ctx_.core.post_office().delete_queue(queue);
    subscriptions_.erase(id);
    return Refusal{"Too many consumers", fmt::format("queue {} has reached its max-consumers", queue), false};
  }
  return std::nullopt;
}

// A browser (SUBSCRIBE browser:true) sees a snapshot of the waiting messages without taking
// them, followed by a MESSAGE with `browser:end`. It holds no consumer.
Outcome StompSession::browse(const codec::Frame& f, const std::string& id, const Target& t) {
  if (auto r = authorize(security::Permission::browse, t.destination.to_string())) return r;
  const std::string queue = t.destination.queue.value_or(t.destination.address);
  core::Queue* q = ctx_.core.post_office().find_queue(queue);
  if (q == nullptr)
    return Refusal{fmt::format("Destination {} does not exist", t.destination.to_string()),
                   fmt::format("no queue named {} to browse", queue), false};
  auto sub = std::make_unique<Subscription>();
  sub->session = this;
  sub->id = id;
  sub->number = next_subscription_++;
  sub->destination = t.destination.to_string();
  sub->queue = queue;
  if (f.header("receipt")) receipt_slot(f)({});
  std::optional<core::Filter> filter;
  if (const auto* sel = f.header("selector"); sel && !util::trim(*sel).empty()) {
    std::string why;
    filter = core::Filter::parse(stomp_selector(*sel), why);
    if (!filter) return Refusal{"Invalid selector", why, false};
  }
  q->for_each_waiting([&](const core::MessageRef& ref) {
    if (!core::matches(filter, *ref.message)) return;
    DeliveryHeaders h;
    h.subscription = id;
    h.ack_id = fmt::format("{},{}", sub->number, ref.message->id());
    send_frame(message_frame(ref, h));
  });
  codec::Frame end;
  end.command = "MESSAGE";
  end.add("subscription", id);
  end.add("browser", "end");
  send_frame(end);
  subscriptions_[id] = std::move(sub);
  return std::nullopt;
}

void StompSession::remove_subscription(Subscription& s) {
  auto& po = ctx_.core.post_office();
  if (s.consumer != nullptr) {
    if (core::Queue* q = po.find_queue(s.queue)) q->remove_consumer(*s.consumer);
    s.consumer = nullptr;
  }
  if (s.temporary_queue) po.delete_queue(s.queue);
  subscriptions_.erase(s.id);  // destroys s
}

Outcome StompSession::on_unsubscribe(const codec::Frame& f) {
  const auto* id = f.header("id");
  std::string key;
  if (id != nullptr) key = *id;
  else if (const auto* dest = f.header("destination")) key = "subscription/" + *dest;
  const auto* durable = durable_name(f);
  auto it = key.empty() ? subscriptions_.end() : subscriptions_.find(key);
  if (it == subscriptions_.end()) {
    if (durable == nullptr)
      return Refusal{"No such subscription", fmt::format("no subscription '{}'", key), false};
  } else {
    remove_subscription(*it->second);
  }
  if (durable != nullptr) {
    // Unsubscribing a durable subscription removes its queue.
    if (client_id_.empty())
      return Refusal{"Missing client-id", "removing a durable subscription needs a client-id", false};
    const std::string queue = client_id_ + "." + *durable;
    auto& po = ctx_.core.post_office();
    if (core::Queue* q = po.find_queue(queue); q != nullptr && q->consumer_count() == 0) {
      if (auto r = authorize(security::Permission::delete_durable_queue, q->address())) return r;
      po.delete_queue(queue);
    }
  }
  if (f.header("receipt")) receipt_slot(f)({});
  return std::nullopt;
}

Outcome StompSession::ack_or_nack(const codec::Frame& f, bool ack) {
  const char* what = ack ? "ACK" : "NACK";
  const std::string* id = version_ == codec::Version::v1_2 ? f.header("id") : f.header("message-id");
  if (id == nullptr)
    return Refusal{fmt::format("{} without an id", what),
                   version_ == codec::Version::v1_2 ? "STOMP 1.2 acknowledges with the 'id' header"
                                                    : "'message-id' is required",
                   false};
  const auto comma = id->find(',');
  const auto number = util::parse_int(id->substr(0, comma == std::string::npos ? 0 : comma));
  const auto message = comma == std::string::npos ? std::nullopt : util::parse_int(id->substr(comma + 1));
  Subscription* sub = nullptr;
  if (number && message)
    for (auto& [k, s] : subscriptions_)
      if (static_cast<std::int64_t>(s->number) == *number) sub = s.get();
  if (sub == nullptr || sub->consumer == nullptr)
    return Refusal{fmt::format("{}: unknown message id", what), fmt::format("no delivery '{}' on this connection", *id), false};
  const auto mid = static_cast<std::uint64_t>(*message);
  bool found = false;
  if (!ack) found = sub->consumer->cancel(mid);
  else if (sub->ack == AckMode::client) found = sub->consumer->ack_up_to(mid);
  else found = sub->consumer->ack(mid);
  if (!found)
    return Refusal{fmt::format("{}: message not awaiting acknowledgement", what),
                   fmt::format("delivery '{}' was already acknowledged or never delivered", *id), false};
  if (f.header("receipt")) receipt_slot(f)({});
  return std::nullopt;
}

Outcome StompSession::on_ack(const codec::Frame& f) { return ack_or_nack(f, true); }
Outcome StompSession::on_nack(const codec::Frame& f) { return ack_or_nack(f, false); }

}  // namespace artemis::protocol::stomp_session
