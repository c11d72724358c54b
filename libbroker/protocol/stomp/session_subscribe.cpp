// SUBSCRIBE / UNSUBSCRIBE / ACK / NACK and delivery (reference §6.2, §6.4, §6.5, §6.6).
#include <fmt/core.h>

#include <charconv>

#include "core/broker_core.hpp"
#include "protocol/stomp/message_mapping.hpp"
#include "protocol/stomp/session.hpp"
#include "util/strings.hpp"

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
  return started && !session->closing_ && session->out_queue_.empty() &&
         session->conn_.pending_bytes() < StompSession::kHighWaterBytes;
}

void Subscription::deliver(core::ServerConsumer& c, const core::MessageRef& ref) {
  DeliveryHeaders h;
  h.subscription = id;
  char ack_id[48];  // two 64-bit numbers and a comma
  char* end = std::to_chars(ack_id, ack_id + 20, number).ptr;
  *end++ = ',';
  end = std::to_chars(end, ack_id + sizeof ack_id, ref.message->id()).ptr;
  h.ack_id = std::string_view(ack_id, static_cast<std::size_t>(end - ack_id));
  h.ack_header = ack != AckMode::auto_ack && session->version_ == codec::Version::v1_2;
  session->send_message(ref, h);
  if (ack == AckMode::auto_ack) c.ack(ref.message->id());
}

Outcome StompSession::on_subscribe(codec::Frame& f) {
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
  const core::Target t = resolve(*dest, f.header("subscription-type"));
  if (f.header_or("browser", "false") == "true") return browse(f, id, t);

  core::ConsumerRequest req;
  req.target = t;
  if (const auto* sel = f.header("selector"); sel && !util::trim(*sel).empty())
    req.selector = stomp_selector(*sel);
  if (const auto* name = durable_name(f)) req.durable_name = *name;
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
  req.credit_mode = core::CreditMode::bytes;
  req.window_bytes = *window;

  auto sub = std::make_unique<Subscription>();
  sub->session = this;
  sub->id = id;
  sub->destination = *dest;
  sub->ack = mode;
  core::ConsumerInfo info;
  if (auto refused = core_->create_consumer(req, *sub, info)) return refusal(*refused);
  sub->number = info.id;
  sub->consumer = core_->consumer(info.id);
  Subscription& s = *sub;
  by_number_[s.number] = &s;
  subscriptions_[id] = std::move(sub);
  // The receipt goes out before the first delivery (§6.7).
  if (f.header("receipt")) receipt_slot(f)({});
  s.started = true;
  s.consumer->resume();
  return std::nullopt;
}

// A browser (SUBSCRIBE browser:true) sees a snapshot of the waiting messages without taking
// them, followed by a MESSAGE with `browser:end`. It holds no consumer.
Outcome StompSession::browse(const codec::Frame& f, const std::string& id, const core::Target& t) {
  std::string selector;
  if (const auto* sel = f.header("selector"); sel && !util::trim(*sel).empty())
    selector = stomp_selector(*sel);
  auto sub = std::make_unique<Subscription>();
  sub->session = this;
  sub->id = id;
  sub->number = next_browser_++;
  sub->destination = t.destination.to_string();
  std::vector<core::MessageRef> seen;
  if (auto refused = core_->browse(t, selector, [&](const core::MessageRef& ref) { seen.push_back(ref); }))
    return refusal(*refused);
  if (f.header("receipt")) receipt_slot(f)({});
  for (const auto& ref : seen) {
    DeliveryHeaders h;
    h.subscription = id;
    const std::string ack_id = fmt::format("{},{}", sub->number, ref.message->id());
    h.ack_id = ack_id;
    send_message(ref, h);
  }
  codec::Frame end;
  end.command = "MESSAGE";
  end.add("subscription", id);
  end.add("browser", "end");
  send_frame(end);
  by_number_[sub->number] = sub.get();
  subscriptions_[id] = std::move(sub);
  return std::nullopt;
}

void StompSession::remove_subscription(Subscription& s) {
  if (s.consumer != nullptr && core_) core_->close_consumer(s.number);
  s.consumer = nullptr;
  by_number_.erase(s.number);
  subscriptions_.erase(s.id);  // destroys s
}

Outcome StompSession::on_unsubscribe(codec::Frame& f) {
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
    // Unsubscribing a durable subscription removes its queue, once no consumer is left on it.
    if (auto refused = core_->delete_durable_subscription(*durable);
        refused && refused->code != core::errc::subscription_in_use)
      return refusal(*refused);
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
  const Subscription* sub = nullptr;
  if (number && message)
    if (auto it = by_number_.find(static_cast<std::uint64_t>(*number)); it != by_number_.end())
      sub = it->second;
  if (sub == nullptr || sub->consumer == nullptr)
    return Refusal{fmt::format("{}: unknown message id", what), fmt::format("no delivery '{}' on this connection", *id), false};
  // NACK redelivers (delivery count + 1); an ACK in client mode takes every earlier delivery.
  core::Settlement how;
  if (!ack) {
    how.outcome = core::Outcome::modified;
    how.delivery_failed = true;
  }
  how.cumulative = ack && sub->ack == AckMode::client;
  if (auto refused = core_->settle(sub->number, static_cast<std::uint64_t>(*message), how,
                                   f.header("transaction"))) {
    if (refused->code == core::errc::unknown_delivery)
      return Refusal{fmt::format("{}: message not awaiting acknowledgement", what),
                     fmt::format("delivery '{}' was already acknowledged or never delivered", *id), false};
    return refusal(*refused);
  }
  if (f.header("receipt")) receipt_slot(f)({});
  return std::nullopt;
}

Outcome StompSession::on_ack(codec::Frame& f) { return ack_or_nack(f, true); }
Outcome StompSession::on_nack(codec::Frame& f) { return ack_or_nack(f, false); }

}  // namespace artemis::protocol::stomp_session
