// PUBLISH from the client (reference §8.4, §8.5): QoS 0 fire and forget, QoS 1 PUBACK once the
// message is durable, QoS 2 PUBREC once durable and PUBCOMP on PUBREL, a repeated QoS 2 packet
// id not routed twice; RETAIN keeps the message for later subscribers. Permissions, address
// creation and limits are the core ServerSession's.
#include "core/broker_core.hpp"
#include "protocol/mqtt/durable_slots.hpp"
#include "protocol/mqtt/message_mapping.hpp"
#include "protocol/mqtt/reason_codes.hpp"
#include "protocol/mqtt/session.hpp"
#include "protocol/mqtt/topics.hpp"

namespace artemis::protocol::mqtt {

namespace {

// What a refused send answers in an MQTT 5 PUBACK or PUBREC.
std::uint8_t publish_refusal_reason(const core::Refused& r) {
  if (r.code == core::errc::unauthorized) return reason::not_authorized;
  if (r.code == core::errc::address_full) return reason::quota_exceeded;
  return reason::unspecified_error;
}

}  // namespace

void MqttSession::on_publish(wire::Publish& p) {
  if (const auto alias = p.properties.topic_alias) {
    switch (in_aliases_.resolve(p.topic, *alias)) {
      case InboundAliases::Result::ok:
        break;
      case InboundAliases::Result::invalid:
        fail(reason::topic_alias_invalid,
             fmt::format("topic alias {} is not between 1 and the Topic Alias Maximum {}", *alias,
                         in_aliases_.maximum()));
        return;
      case InboundAliases::Result::unknown:
        fail(reason::protocol_error, fmt::format("topic alias {} was never set", *alias));
        return;
      case InboundAliases::Result::over_quota:
        fail(reason::quota_exceeded,
             fmt::format("topic aliases would hold more than {} bytes of topic names",
                         InboundAliases::kMaxTopicBytes));
        return;
    }
    p.properties.topic_alias.reset();  // the connection's, not the message's
  }
  if (p.qos == 2 && qos2_received_.size() >= receive_maximum_ &&
      qos2_received_.count(p.packet_id) == 0) {
    fail(reason::receive_maximum_exceeded,
         fmt::format("more than {} QoS 2 publishes await their PUBREL", receive_maximum_));
    return;
  }
  if (p.qos == 2 && qos2_received_.count(p.packet_id)) {
    send(wire::PubAck{wire::PacketType::pubrec, p.packet_id, 0, {}});  // routed already
    return;
  }
  const auto address = address_of_topic(p.topic);
  const auto target = core_->resolve(address, core::RoutingType::multicast);
  const auto qos = p.qos;
  const auto id = p.packet_id;
  // 5 answers a refusal in the ack and keeps the connection; 3.x can only close.
  const auto refuse = [&](const core::Refused& refused) {
    const auto& why = refused.detail.empty() ? refused.text : refused.detail;
    const auto type = qos == 1 ? wire::PacketType::puback : wire::PacketType::pubrec;
    if (v5() && qos > 0) {
      wire::PubAck ack{type, id, publish_refusal_reason(refused), {}};
      ack.properties.reason_string = why;
      send(ack);
    } else if (refused.code == core::errc::unauthorized && !v5() &&
               (version_ == wire::Version::v3_1 ||
                !conn_.acceptor().param_bool("closeMqttConnectionOnPublishAuthorizationFailure",
                                             true))) {
      // 3.1 cannot say no, and 3.1.1 is let stay when the acceptor says so: acknowledged as
      // if sent, and logged.
      warn("PUBLISH to {} refused: {}; acknowledged without being sent", p.topic, why);
      if (qos > 0) send(wire::PubAck{type, id, 0, {}});
    } else {
      fail(publish_refusal_reason(refused), "PUBLISH to " + p.topic + " refused: " + why);
    }
  };
  auto m = message_from_publish(p, ctx_.scheduler.now_ms());
  m->record.address = address;
  if (p.retain) {
    if (auto refused = core_->check_send(target)) {
      refuse(*refused);
      return;
    }
    // Stored before the message is routed: the journal completes in order, so the ack below
    // means the retained copy is on disk too.
    if (!keep_retained(ctx_.core.post_office(), address, p.payload.empty() ? nullptr : m.get()))
      warn("the retained message of {} cannot be kept: queue {}{} cannot be made", address,
           kRetainPrefix, address);
  }
  auto done = [this, qos, id](std::error_code ec) {
    if (qos == 0) return;
    wire::PubAck ack{qos == 1 ? wire::PacketType::puback : wire::PacketType::pubrec, id, 0, {}};
    if (ec) {
      ack.reason = reason::unspecified_error;
      if (qos == 2) qos2_received_.erase(id);
    }
    if (!ec || v5())
      send(ack);
    else
      fail(reason::unspecified_error, "the message could not be stored: " + ec.message());
  };
  if (qos == 2) qos2_received_.insert(id);
  if (auto refused = core_->send(std::move(m), target, nullptr, std::move(done))) {
    if (qos == 2) qos2_received_.erase(id);
    refuse(*refused);
    return;
  }
  if (!paused_for_address_ && core_->producer_blocked(target, [this] {
        paused_for_address_ = false;
        conn_.resume_reading();
      })) {
    paused_for_address_ = true;  // address-full-policy BLOCK: stop reading until it drains
    conn_.pause_reading();
  }
}

void MqttSession::on_pubrel(const wire::PubAck& a) {
  const bool known = qos2_received_.erase(a.packet_id) > 0;
  wire::PubAck comp{wire::PacketType::pubcomp, a.packet_id, 0, {}};
  if (!known && v5()) comp.reason = reason::packet_id_not_found;
  // After the PUBRECs the session sent so far, so a PUBCOMP never overtakes its PUBREC.
  core_->after_pending([this, comp] { send(comp); });
}

}  // namespace artemis::protocol::mqtt
