// MqttSession core: byte intake, CONNECT/CONNACK (reference §8.1), keep-alive, DISCONNECT,
// wills (§8.5), take-over by a newer connection of the same client id, and teardown.
#include "protocol/mqtt/session.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "core/broker_core.hpp"
#include "protocol/mqtt/message_mapping.hpp"
#include "protocol/mqtt/reason_codes.hpp"
#include "protocol/mqtt/saved_sessions.hpp"
#include "protocol/mqtt/topics.hpp"
#include "protocol/mqtt/wills.hpp"
#include "util/uuid.hpp"

namespace artemis::protocol::mqtt {

MqttSession::MqttSession(net::Connection& connection, ModuleContext& context)
    : conn_(connection), ctx_(context) {
  last_read_ms_ = ctx_.scheduler.now_ms();
  // maximumPacketSize: the largest packet a client may send (-1 or absent: MQTT's limit).
  if (const auto max = conn_.acceptor().param_int("maximumPacketSize", -1); max > 0)
    decoder_.set_limits({static_cast<std::uint32_t>(std::min<std::int64_t>(max, UINT32_MAX))});
  core::SessionOptions options;
  options.connection_id = conn_.id();
  options.remote_address = conn_.remote_address();
  options.certificate_subject = conn_.certificate_subject();
  options.protocol = "MQTT";
  options.close_connection = [&conn = conn_] { conn.close(net::CloseReason::management); };
  core_ = std::make_unique<core::ServerSession>(ctx_.core.post_office(), ctx_.security,
                                                std::move(options));
}

MqttSession::~MqttSession() {
  if (keep_alive_timer_ != 0) ctx_.scheduler.cancel(keep_alive_timer_);
}

bool MqttSession::send(const wire::Packet& packet) {
  if (closing_) return true;
  encode_buffer_.clear();
  if (!wire::encode(packet, version_, encode_buffer_)) {
    // Only a message from another protocol can be too large for MQTT's fields (a topic over
    // 64 KiB); it is not sent, and says so.
    warn("a packet does not fit MQTT's fields and is not sent");
    return false;
  }
  if (encode_buffer_.size() > client_max_packet_) {
    // MQTT 5 §3.1.2.24: discarded as if it had been sent.
    warn("a packet of {} bytes is over the client's Maximum Packet Size ({}) and is not sent",
         encode_buffer_.size(), client_max_packet_);
    return false;
  }
  if (stream_)
    after_ += encode_buffer_;  // behind the payload on its way
  else
    conn_.send(encode_buffer_);
  return true;
}

void MqttSession::on_bytes(std::string_view bytes) {
  if (closing_) return;
  last_read_ms_ = ctx_.scheduler.now_ms();
  decoder_.feed(bytes);
  wire::Packet packet;
  while (!closing_) {
    const auto status = decoder_.next(packet);
    if (status == wire::Decoder::Status::need_more) break;
    if (status == wire::Decoder::Status::error) {
      const auto code = static_cast<std::uint8_t>(decoder_.error().value());
      if (!connected_ && decoder_.error() == wire::errc::unsupported_protocol_version) {
        refuse_connect(0x01, reason::unsupported_protocol_version, decoder_.why(),
                       net::CloseReason::protocol_error);
        return;
      }
      fail(code, decoder_.why());
      return;
    }
    dispatch(packet);
  }
}

void MqttSession::dispatch(wire::Packet& packet) {
  if (!connected_ && !std::holds_alternative<wire::Connect>(packet)) {
    fail(reason::protocol_error, "the first packet must be CONNECT");
    return;
  }
  std::visit(
      [this](auto& p) {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, wire::Connect>) {
          if (connected_)
            fail(reason::protocol_error, "a second CONNECT on one connection");
          else
            on_connect(p);
        } else if constexpr (std::is_same_v<T, wire::Publish>) {
          on_publish(p);
        } else if constexpr (std::is_same_v<T, wire::PubAck>) {
          if (p.type == wire::PacketType::pubrel)
            on_pubrel(p);
          else
            on_ack(p);
        } else if constexpr (std::is_same_v<T, wire::Subscribe>) {
          on_subscribe(p);
        } else if constexpr (std::is_same_v<T, wire::Unsubscribe>) {
          on_unsubscribe(p);
        } else if constexpr (std::is_same_v<T, wire::PingReq>) {
          send(wire::PingResp{});
        } else if constexpr (std::is_same_v<T, wire::Disconnect>) {
          on_disconnect(p);
        } else if constexpr (std::is_same_v<T, wire::Auth>) {
          fail(reason::bad_authentication_method, "no enhanced authentication method is supported");
        } else {
          fail(reason::protocol_error, "a packet only the server sends");
        }
      },
      packet);
}

void MqttSession::refuse_connect(std::uint8_t v3_code, std::uint8_t v5_code, std::string why,
                                 net::CloseReason reason) {
  warn("CONNECT refused: {}", why);
  wire::ConnAck ack;
  ack.reason = v5() ? v5_code : v3_code;
  if (v5()) ack.properties.reason_string = std::move(why);
  send(ack);
  closing_ = true;
  conn_.close(reason);
}

void MqttSession::on_connect(wire::Connect& c) {
  version_ = c.version;
  decoder_.set_version(version_);
  // 3.1 allows client ids of at most 23 bytes; longer ones pass, as in Artemis.
  const bool assigned = c.client_id.empty();
  if (assigned && !c.clean_start && !v5()) {
    refuse_connect(0x02, reason::client_id_not_valid, "an empty client id needs a clean session",
                   net::CloseReason::protocol_error);
    return;
  }
  if (auto refused = core_->login(c.username.value_or(""), c.password.value_or(""))) {
    refuse_connect(0x04, reason::bad_user_name_or_password, refused->text,
                   net::CloseReason::auth_failed);
    return;
  }
  client_id_ = assigned ? util::Uuid::generate().to_string() : c.client_id;
  core_->set_client_id(client_id_);
  conn_.set_client_id(client_id_);
  clean_start_ = c.clean_start;
  session_expiry_ = c.properties.session_expiry_interval.value_or(0);
  // QoS 1 and 2 deliveries awaiting their ack: the client's Receive Maximum, else the
  // acceptor's defaultMaximumInFlightPublishMessages (Artemis's default 65535).
  in_flight_limit_ = static_cast<std::uint16_t>(std::clamp<std::int64_t>(
      conn_.acceptor().param_int("defaultMaximumInFlightPublishMessages", 65535), 1, 65535));
  if (c.properties.receive_maximum && *c.properties.receive_maximum > 0)
    in_flight_limit_ = *c.properties.receive_maximum;
  if (v5() && c.properties.maximum_packet_size && *c.properties.maximum_packet_size > 0)
    client_max_packet_ = *c.properties.maximum_packet_size;
  // receiveMaximum: the QoS 2 publishes a client may have awaiting their PUBREL (Artemis's
  // default 65535), announced to 5.
  receive_maximum_ = static_cast<std::uint16_t>(
      std::clamp<std::int64_t>(conn_.acceptor().param_int("receiveMaximum", 65535), 1, 65535));
  if (v5()) {
    // topicAliasMaximum: how many aliases the client may set (Artemis's default 65535).
    const auto most = conn_.acceptor().param_int("topicAliasMaximum", 65535);
    in_aliases_ =
        InboundAliases(static_cast<std::uint16_t>(std::clamp<std::int64_t>(most, 0, 65535)));
    out_aliases_ = OutboundAliases(c.properties.topic_alias_maximum.value_or(0));
  }
  will_ = std::move(c.will);
  // serverKeepAlive (Artemis's default 60 s; -1: always the client's): a client asking for
  // none, or for longer, gets the server's, which 5 is told in CONNACK.
  const auto server_keep_alive = conn_.acceptor().param_int("serverKeepAlive", 60);
  keep_alive_s_ = c.keep_alive;
  bool imposed = false;
  if (server_keep_alive >= 0 && (c.keep_alive == 0 || c.keep_alive > server_keep_alive)) {
    keep_alive_s_ = static_cast<std::uint16_t>(std::min<std::int64_t>(server_keep_alive, 65535));
    imposed = true;
  }

  auto& shared = *ctx_.shared;
  if (auto it = shared.connected.find(client_id_); it != shared.connected.end()) {
    // allowLinkStealing=false: the connected client keeps its id, the newcomer is refused.
    if (!conn_.acceptor().param_bool("allowLinkStealing", true)) {
      refuse_connect(0x02, reason::unspecified_error,
                     fmt::format("client id {} is connected (allowLinkStealing=false)", client_id_),
                     net::CloseReason::protocol_error);
      return;
    }
    it->second->taken_over();
  }
  shared.connected[client_id_] = this;
  // Back before its will's delay: no will, unless this connection ends that session.
  release_will(ctx_, client_id_, clean_start_);
  connected_ = true;

  // A session that outlives its connection comes back unless the client starts clean.
  SavedSessions sessions(ctx_);
  auto saved = sessions.find(client_id_);
  if (saved && clean_start_) {
    for (const auto& s : saved->subscriptions) drop_subscription_queue(s.filter);
    sessions.forget(client_id_);
    saved.reset();
  }
  const bool present = saved.has_value();
  wire::ConnAck ack;
  ack.session_present = present;
  if (v5()) {
    if (assigned) ack.properties.assigned_client_identifier = client_id_;
    ack.properties.receive_maximum = receive_maximum_;
    if (in_aliases_.maximum() > 0) ack.properties.topic_alias_maximum = in_aliases_.maximum();
    if (imposed) ack.properties.server_keep_alive = keep_alive_s_;
  }
  send(ack);
  if (saved) {
    for (const auto& s : saved->subscriptions) subscribe_one(s, std::nullopt);
    // MQTT 4.4: the PUBRELs the client had not confirmed go again.
    for (const auto id : saved->released) {
      outbound_[id] = Outbound{0, 0, 2, true};
      send(wire::PubAck{wire::PacketType::pubrel, id, 0, {}});
    }
  }
  start_subscriptions();
  arm_keep_alive();
}

std::optional<std::int64_t> MqttSession::session_expires_at() const {
  // 5: the client's interval (0xFFFFFFFF: never ends); 3.x: the acceptor's
  // defaultMqttSessionExpiryInterval (-1, the default: never).
  const std::int64_t seconds =
      v5() ? (session_expiry_ == 0xFFFFFFFFu ? -1 : static_cast<std::int64_t>(session_expiry_))
           : conn_.acceptor().param_int("defaultMqttSessionExpiryInterval", -1);
  if (seconds < 0) return std::nullopt;
  return ctx_.scheduler.now_ms() + seconds * 1000;
}

bool MqttSession::persistent() const {
  return v5() ? session_expiry_ > 0 : !clean_start_;
}

void MqttSession::arm_keep_alive() {
  if (keep_alive_s_ == 0) return;
  // MQTT 3.1.2.10: one and a half keep-alive periods of silence end the connection.
  const auto limit_ms = static_cast<std::int64_t>(keep_alive_s_) * 1500;
  keep_alive_timer_ =
      ctx_.scheduler.schedule_after(std::chrono::milliseconds(limit_ms / 3), [this, limit_ms] {
        keep_alive_timer_ = 0;
        if (closing_) return;
        if (ctx_.scheduler.now_ms() - last_read_ms_ >= limit_ms) {
          fail(reason::keep_alive_timeout, "keep-alive timeout");
          return;
        }
        arm_keep_alive();
      });
}

void MqttSession::on_disconnect(const wire::Disconnect& d) {
  if (v5() && d.properties.session_expiry_interval) {
    // MQTT 5 3.14.2.2.2: a session that was to end with its connection cannot be kept now (a
    // protocol error, so the will still goes).
    if (session_expiry_ == 0 && *d.properties.session_expiry_interval != 0) {
      fail(reason::protocol_error, "DISCONNECT sets a session expiry interval CONNECT did not");
      return;
    }
    session_expiry_ = *d.properties.session_expiry_interval;
  }
  // 5: reason 0x04 asks for the will; Artemis does not act on it, nor does this broker.
  clean_disconnect_ = true;
  closing_ = true;
  conn_.close(net::CloseReason::session_closed);
}

void MqttSession::fail(std::uint8_t reason, std::string why) {
  if (closing_) return;
  warn("{}", why);
  if (connected_ && v5()) {
    wire::Disconnect d;
    d.reason = reason;
    d.properties.reason_string = std::move(why);
    send(d);
  }
  closing_ = true;
  conn_.close(reason == reason::keep_alive_timeout ? net::CloseReason::ttl_expired
                                                   : net::CloseReason::protocol_error);
}

void MqttSession::taken_over() {
  if (v5()) {
    wire::Disconnect d;
    d.reason = reason::session_taken_over;
    send(d);
  }
  clean_disconnect_ = true;  // no will: the client is still there
  // Now, not when the close completes: the newcomer reads what this session leaves.
  end_session();
  closing_ = true;
  conn_.close(net::CloseReason::session_closed);
}

void MqttSession::save_session(bool ending) {
  // While connected the session has no deadline: a broker killed meanwhile keeps it.
  SavedSession saved{{}, ending ? session_expires_at() : std::nullopt, {}};
  for (const auto& [filter, sub] : subscriptions_) saved.subscriptions.push_back(sub->options);
  for (const auto& [id, o] : outbound_)
    if (o.released) saved.released.push_back(id);
  std::sort(saved.released.begin(), saved.released.end());
  if (!SavedSessions(ctx_).save(client_id_, std::move(saved)))
    warn("the session of {} cannot be kept: its slot cannot be made", client_id_);
}

void MqttSession::end_session() {
  if (ended_ || !connected_) return;
  ended_ = true;
  auto& shared = *ctx_.shared;
  if (auto it = shared.connected.find(client_id_);
      it != shared.connected.end() && it->second == this)
    shared.connected.erase(it);
  // A persistent session is kept, subscriptions or none, until it expires (the module's scan)
  // or the client starts clean; any other ends here.
  if (persistent())
    save_session(true);
  else
    SavedSessions(ctx_).forget(client_id_);
  // Unacknowledged deliveries go back to their queues; a session that ends with its
  // connection had temporary subscription queues, which go with their consumers.
  for (const auto& [filter, sub] : subscriptions_) {
    core_->close_consumer(sub->consumer_id);
    if (!persistent() && is_shared(filter)) drop_subscription_queue(filter);
  }
  subscriptions_.clear();
  outbound_.clear();
}

std::chrono::seconds MqttSession::will_delay() const {
  // The will waits for its delay or the end of its session, whichever comes first; a session
  // that ends with its connection sends it at once.
  if (!will_ || !v5() || !persistent()) return std::chrono::seconds(0);
  return std::chrono::seconds(
      std::min(will_->properties.will_delay_interval.value_or(0), session_expiry_));
}

void MqttSession::on_closed(net::CloseReason) {
  closing_ = true;
  if (keep_alive_timer_ != 0) ctx_.scheduler.cancel(keep_alive_timer_);
  keep_alive_timer_ = 0;
  const bool will = connected_ && !clean_disconnect_ && will_;
  const auto delay = will_delay();
  if (will && delay.count() == 0) {
    if (auto why = send_will(ctx_, *core_, publish_of_will(*will_)); !why.empty())
      warn("the will to {} is refused: {}", will_->topic, why);
  }
  end_session();
  if (will && delay.count() > 0)
    hold_will(ctx_, client_id_, std::shared_ptr<core::ServerSession>(std::move(core_)),
              publish_of_will(*will_), delay);
  will_.reset();
  core_.reset();
}

void MqttSession::on_writable() {
  if (closing_) return;
  if (stream_) pump_stream();
  for (auto& [filter, sub] : subscriptions_)
    if (auto* c = core_->consumer(sub->consumer_id); c != nullptr && sub->ready(*c)) c->resume();
}

}  // namespace artemis::protocol::mqtt
