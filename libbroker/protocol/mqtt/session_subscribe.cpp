// SUBSCRIBE and UNSUBSCRIBE (reference §8.3) and deliveries (§8.4): each topic filter is a core
// consumer on its subscription queue, `<client-id>.<address>` and durable for a session that
// outlives its connection, temporary otherwise. A delivery goes at the lower of the
// subscription's and the message's QoS; QoS 1 and 2 deliveries are settled by PUBACK and
// PUBREC (PUBREL/PUBCOMP then end the exchange), at most the client's Receive Maximum (else the
// acceptor's defaultMaximumInFlightPublishMessages) at a time.
#include <algorithm>

#include "core/broker_core.hpp"
#include "protocol/mqtt/durable_slots.hpp"
#include "protocol/mqtt/message_mapping.hpp"
#include "protocol/mqtt/reason_codes.hpp"
#include "protocol/mqtt/session.hpp"
#include "protocol/mqtt/topics.hpp"

namespace artemis::protocol::mqtt {

bool Subscription::ready(const core::ServerConsumer&) const {
  return started && session->can_deliver();
}

void Subscription::deliver(core::ServerConsumer& consumer, const core::MessageRef& ref) {
  session->deliver(*this, consumer, ref);
}

bool MqttSession::can_deliver() const {
  return !closing_ && !stream_ && outbound_.size() < in_flight_limit_ &&
         conn_.pending_bytes() < kHighWaterBytes;
}

std::uint16_t MqttSession::next_packet_id() {
  // Ends: callers make sure an id is free (deliveries fewer than in_flight_limit_ <= 65,535,
  // retained copies fewer than 65,535).
  do {
    last_packet_id_ =
        static_cast<std::uint16_t>(last_packet_id_ == 65535 ? 1 : last_packet_id_ + 1);
  } while (outbound_.count(last_packet_id_) != 0);
  return last_packet_id_;
}

void MqttSession::deliver(Subscription& sub, core::ServerConsumer& c, const core::MessageRef& ref) {
  wire::Publish p;
  const bool large = ref.message->large != nullptr;
  publish_from_message(*ref.message, v5(), ctx_.scheduler.now_ms(), p, !large);
  p.qos = std::min(sub.options.qos, published_qos(*ref.message));
  if (v5() && sub.identifier) p.properties.subscription_identifiers = {*sub.identifier};
  if (p.qos > 0) {
    p.packet_id = next_packet_id();
    p.dup = ref.delivery_count > 0;
    outbound_[p.packet_id] = Outbound{c.id(), ref.message->id(), p.qos, false};
  }
  const bool sent = send_publish(p, large ? &ref : nullptr);
  if (!sent && p.qos > 0) {
    outbound_.erase(p.packet_id);  // it can never be acknowledged: consumed, as at QoS 0
    c.ack(ref.message->id());
  }
  if (p.qos == 0) c.ack(ref.message->id());
}

bool MqttSession::send_publish(wire::Publish& p, const core::MessageRef* large) {
  const auto alias = out_aliases_.choose(p.topic);
  std::string aliased;  // the topic an alias is set for, kept until it is sent
  if (alias.alias != 0) {
    p.properties.topic_alias = alias.alias;
    if (alias.with_topic)
      aliased = p.topic;
    else
      p.topic.clear();
  }
  const bool sent = large != nullptr ? start_stream(p, *large) : send(p);
  if (sent) out_aliases_.commit(aliased, alias);
  return sent;
}

std::uint8_t MqttSession::subscribe_one(const wire::Subscription& s,
                                        std::optional<std::uint32_t> id) {
  const auto shared = parse_shared(s.filter);
  if (!shared && (is_shared(s.filter) || !valid_filter(s.filter)))
    return v5() ? reason::topic_filter_invalid : reason::unspecified_error;
  if (shared && s.no_local && v5()) {
    fail(reason::protocol_error, "No Local on the shared subscription " + s.filter);
    return reason::unspecified_error;
  }
  // A second SUBSCRIBE to the same filter replaces the first (MQTT 3.8.4).
  if (auto it = subscriptions_.find(s.filter); it != subscriptions_.end()) {
    core_->close_consumer(it->second->consumer_id);
    subscriptions_.erase(it);
  }
  const auto address = address_of_topic(shared ? shared->filter : s.filter);
  auto sub = std::make_unique<Subscription>();
  sub->session = this;
  sub->options = s;
  sub->identifier = id;
  core::ConsumerRequest req;
  req.target = core_->resolve(address, core::RoutingType::multicast);
  // A shared subscription is one queue for the group, whichever clients are in it.
  if (shared || persistent()) {
    auto named = subscription_name(s.filter);
    req.durable_name = std::move(named.name);
    req.global = named.global;
  }
  req.no_local = s.no_local;
  req.credit_mode = core::CreditMode::bytes;
  req.window_bytes = -1;  // ready() holds deliveries back instead
  core::ConsumerInfo info;
  if (auto refused = core_->create_consumer(req, *sub, info)) {
    warn("SUBSCRIBE to {} refused: {}", s.filter,
         refused->detail.empty() ? refused->text : refused->detail);
    return v5() && refused->code == core::errc::unauthorized ? reason::not_authorized
                                                             : reason::unspecified_error;
  }
  sub->consumer_id = info.id;
  subscriptions_[s.filter] = std::move(sub);
  return s.qos;
}

void MqttSession::drop_subscription_queue(const std::string& filter) {
  // The core keeps a queue that still has consumers: a shared one other members use.
  const auto named = subscription_name(filter);
  core_->delete_durable_subscription(named.name, named.global);
}

void MqttSession::start_subscriptions() {
  for (auto& [filter, sub] : subscriptions_) {
    if (sub->started) continue;
    sub->started = true;
    if (auto* c = core_->consumer(sub->consumer_id)) c->resume();
  }
}

void MqttSession::send_retained(const Subscription& sub) {
  DurableSlots slots(ctx_.core.post_office());
  slots.each(kRetainPrefix, [&](std::string_view slot, const core::MessagePtr& message) {
    const auto topic = topic_of_address(slot.substr(kRetainPrefix.size()));
    if (!filter_matches(sub.options.filter, topic)) return;
    wire::Publish p;
    publish_from_message(*message, v5(), ctx_.scheduler.now_ms(), p);
    p.topic = topic;  // the message sits on its slot's address
    p.retain = true;
    p.qos = std::min(sub.options.qos, published_qos(*message));
    if (p.qos > 0) {
      // Every packet id in use (65,535 retained messages awaiting acks): this one stays
      // retained for the next subscription rather than wait for an id that cannot come.
      if (outbound_.size() >= 65535) {
        warn("retained message on {} not sent: every packet id awaits an ack", p.topic);
        return;
      }
      p.packet_id = next_packet_id();
      outbound_[p.packet_id] = Outbound{0, 0, p.qos, false};
    }
    if (!send_publish(p, nullptr) && p.qos > 0) outbound_.erase(p.packet_id);  // never acked
  });
}

void MqttSession::on_subscribe(const wire::Subscribe& s) {
  wire::SubAck ack;
  ack.packet_id = s.packet_id;
  std::optional<std::uint32_t> id;
  if (!s.properties.subscription_identifiers.empty()) id = s.properties.subscription_identifiers[0];
  std::vector<std::string> fresh;  // subscriptions that get the retained messages
  for (const auto& sub : s.subscriptions) {
    const bool existed = subscriptions_.count(sub.filter) != 0;
    const auto reason = subscribe_one(sub, id);
    ack.reasons.push_back(reason);
    // A shared subscription gets no retained messages (MQTT 5 §4.8.2).
    const bool wants = !is_shared(sub.filter) &&
                       (sub.retain_handling == 0 || (sub.retain_handling == 1 && !existed));
    if (reason <= 2 && wants) fresh.push_back(sub.filter);
  }
  if (closing_) return;
  send(ack);
  for (const auto& filter : fresh)
    if (auto it = subscriptions_.find(filter); it != subscriptions_.end())
      send_retained(*it->second);
  start_subscriptions();
}

void MqttSession::on_unsubscribe(const wire::Unsubscribe& u) {
  wire::UnsubAck ack;
  ack.packet_id = u.packet_id;
  for (const auto& filter : u.filters) {
    auto it = subscriptions_.find(filter);
    if (it == subscriptions_.end()) {
      ack.reasons.push_back(reason::no_subscription_existed);
      continue;
    }
    core_->close_consumer(it->second->consumer_id);
    subscriptions_.erase(it);
    // A durable subscription queue ends with the subscription; a shared one with its group's
    // last member.
    if (persistent() || is_shared(filter)) drop_subscription_queue(filter);
    ack.reasons.push_back(0);
  }
  send(ack);
}

void MqttSession::settle(const Outbound& o) {
  if (o.consumer_id != 0) core_->settle(o.consumer_id, o.message_id, {});
}

void MqttSession::on_ack(const wire::PubAck& a) {
  auto it = outbound_.find(a.packet_id);
  if (it == outbound_.end()) return;  // a late or repeated ack: nothing waits for it
  auto& o = it->second;
  switch (a.type) {
    case wire::PacketType::puback:
      settle(o);
      outbound_.erase(it);
      break;
    case wire::PacketType::pubrec:
      // The client has the message: it is consumed here (a 5 reason >= 0x80 refuses it, which
      // ends the exchange all the same).
      if (!o.released) settle(o);
      if (v5() && a.reason >= 0x80) {
        outbound_.erase(it);
        break;
      }
      if (!o.released) {
        o.released = true;
        if (persistent()) save_session(false);  // the PUBREL survives a restart
      }
      send(wire::PubAck{wire::PacketType::pubrel, a.packet_id, 0, {}});
      return;  // the packet id stays in use until PUBCOMP
    case wire::PacketType::pubcomp: {
      const bool released = o.released;
      outbound_.erase(it);
      if (released && persistent()) save_session(false);
      break;
    }
    default:
      return;
  }
  on_writable();  // a slot is free again
}

}  // namespace artemis::protocol::mqtt
