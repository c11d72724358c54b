#include "client/mqtt_session.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "client/errors.hpp"
#include "util/uuid.hpp"

namespace artemis::client {
namespace {

std::string topic_of(const Destination& d) {
  std::string t = d.name;
  std::replace(t.begin(), t.end(), '.', '/');
  return t;
}

constexpr std::uint8_t kNotAuthorized = 0x87;
constexpr std::uint16_t kReceiveMaximum = 1000;
// The keep-alive asked for, as paho's and mosquitto's clients (a broker may impose its own).
constexpr std::uint16_t kKeepAliveSeconds = 60;
constexpr std::uint8_t kBadUserNameOrPassword = 0x86;

}  // namespace

MqttSession::MqttSession(Connection& connection, Transacted transacted)
    : connection_(connection),
      client_id_(connection.client_id().empty()
                     ? "artemis-" + util::Uuid::generate().to_string().substr(0, 8)
                     : connection.client_id()),
      session_tag_(util::Uuid::generate().to_string()) {
  if (transacted == Transacted::yes)
    throw ClientError(ErrorKind::invalid_argument,
                      "MQTT has no transactions: use --protocol stomp or amqp for a transacted "
                      "session (--commit-interval, --txt-size)");
  // With a client id the session may hold durable subscriptions, so it resumes what the broker
  // kept for that id; close() ends it again when it holds none.
  persistent_ = !connection.client_id().empty();
  connection_.open_initial([this](const Server& s) { open(s, !persistent_); });
}

MqttSession::~MqttSession() {
  close();
}

MqttSession::Clock::time_point MqttSession::deadline() const {
  return Clock::now() + std::chrono::milliseconds(connection_.url().call_timeout_ms);
}

void MqttSession::open(const Server& server, bool clean_start) {
  const auto& lo = connection_.link_options();
  std::string error;
  Socket s;
  if (!s.connect(server.host, server.port, lo.connect_timeout, error, lo.interrupt.get(), &lo.tls))
    throw ClientError(ErrorKind::connect_failed, error);
  socket_ = std::move(s);
  decoder_ = mqtt::Decoder();
  decoder_.set_version(mqtt::Version::v5);
  input_.clear();
  held_.clear();
  mqtt::Connect c;
  c.version = mqtt::Version::v5;
  c.client_id = client_id_;
  c.clean_start = clean_start;
  if (!clean_start) c.properties.session_expiry_interval = 0xFFFFFFFF;  // never expires
  // At most this many QoS 1 messages unacknowledged on their way to us: the consumer window
  // (MQTT's default, 65,535, lets a broker queue tens of megabytes in the socket).
  c.properties.receive_maximum = kReceiveMaximum;
  c.keep_alive = kKeepAliveSeconds;
  if (!lo.user.empty()) c.username = lo.user;
  if (!lo.password.empty()) c.password = lo.password;
  write(c);
  release_writes();
  const auto until = deadline();
  for (;;) {
    mqtt::Packet p;
    const auto st = decoder_.next(p);
    if (st == mqtt::Decoder::Status::error) lost("not MQTT: " + decoder_.why());
    if (st == mqtt::Decoder::Status::packet) {
      const auto* ack = std::get_if<mqtt::ConnAck>(&p);
      if (ack == nullptr) lost("the broker answered CONNECT with another packet");
      if (ack->reason == kNotAuthorized || ack->reason == kBadUserNameOrPassword)
        throw ClientError(ErrorKind::auth_failed,
                          fmt::format("{}: the broker refused the credentials (reason 0x{:02x})",
                                      server.to_string(), ack->reason));
      if (ack->reason != 0)
        throw ClientError(
            ErrorKind::broker_error,
            fmt::format("{}: CONNACK reason 0x{:02x}{}", server.to_string(), ack->reason,
                        ack->properties.reason_string ? ": " + *ack->properties.reason_string
                                                      : std::string()));
      keep_alive_ =
          std::chrono::seconds(ack->properties.server_keep_alive.value_or(kKeepAliveSeconds));
      return;
    }
    std::string chunk;
    const auto r = socket_.read_some(chunk, 64 * 1024, until, error, lo.interrupt.get());
    if (r == Socket::ReadStatus::timeout)
      throw ClientError(ErrorKind::timeout, server.to_string() + ": no CONNACK");
    if (r != Socket::ReadStatus::data) throw ClientError(ErrorKind::connect_failed, error);
    decoder_.feed(chunk);
  }
}

void MqttSession::write(const mqtt::Packet& packet) {
  if (!mqtt::encode(packet, mqtt::Version::v5, held_))
    throw ClientError(ErrorKind::invalid_argument, "the message does not fit in an MQTT packet");
  if (!hold_writes_ || held_.size() >= kHeldWriteBytes) release_writes();
}

void MqttSession::release_writes() {
  if (held_.empty()) return;
  std::string error;
  const bool written = socket_.write_all(held_, error);
  held_.clear();
  if (!written) lost(error);
  last_write_ = Clock::now();
}

void MqttSession::lost(const std::string& why) {
  socket_.close();
  throw ClientError(ErrorKind::connection_lost,
                    fmt::format("MQTT connection lost: {} (MQTT sessions do not fail over)", why));
}

std::uint16_t MqttSession::next_packet_id() {
  do {
    ++last_packet_id_;
  } while (last_packet_id_ == 0 || unconfirmed_.count(last_packet_id_) ||
           subacks_.count(last_packet_id_));
  return last_packet_id_;
}

bool MqttSession::pump(Clock::time_point until) {
  for (;;) {
    mqtt::Packet p;
    const auto st = decoder_.next(p);
    if (st == mqtt::Decoder::Status::error) lost("not MQTT: " + decoder_.why());
    if (st == mqtt::Decoder::Status::packet) {
      handle(p);
      return true;
    }
    release_writes();  // what the broker's answer may depend on
    std::string chunk, error;
    // Waiting longer than three quarters of the keep-alive: a PINGREQ on the way.
    auto wait_until = until;
    const auto ping_at = last_write_ + keep_alive_ * 3 / 4;
    if (keep_alive_.count() > 0) wait_until = std::min(until, ping_at);
    const auto r = socket_.read_some(chunk, 256 * 1024, wait_until, error,
                                     connection_.link_options().interrupt.get());
    if (r == Socket::ReadStatus::timeout) {
      if (Clock::now() >= until) return false;
      if (keep_alive_.count() > 0 && Clock::now() >= ping_at) write(mqtt::PingReq{});
      continue;
    }
    if (r != Socket::ReadStatus::data) lost(r == Socket::ReadStatus::closed ? "closed" : error);
    decoder_.feed(chunk);
  }
}

void MqttSession::handle(mqtt::Packet& packet) {
  if (auto* ack = std::get_if<mqtt::PubAck>(&packet)) {
    auto it = unconfirmed_.find(ack->packet_id);
    if (it == unconfirmed_.end()) return;
    const auto sent_at = it->second;
    unconfirmed_.erase(it);
    if (ack->reason >= 0x80)
      throw ClientError(
          ErrorKind::broker_error,
          fmt::format("the broker refused a message (reason 0x{:02x}{})", ack->reason,
                      ack->properties.reason_string ? ": " + *ack->properties.reason_string
                                                    : std::string()));
    if (on_confirm_) on_confirm_(Clock::now() - sent_at);
  } else if (auto* sub = std::get_if<mqtt::SubAck>(&packet)) {
    subacks_[sub->packet_id] = sub->reasons;
  } else if (auto* pub = std::get_if<mqtt::Publish>(&packet)) {
    Received r;
    r.packet_id = pub->qos > 0 ? pub->packet_id : 0;
    r.message.type = BodyType::bytes;
    r.message.body = std::move(pub->payload);
    r.message.delivery = pub->qos > 0 ? Delivery::persistent : Delivery::non_persistent;
    r.message.destination = pub->topic;
    r.message.redelivered = pub->dup;
    for (auto& [k, v] : pub->properties.user_properties) r.message.properties[k] = v;
    // Subscriptions name their topics exactly (no wildcards), so the topic picks the consumer.
    for (auto& [id, s] : subscriptions_)
      if (s.filter == pub->topic || subscriptions_.size() == 1) {
        s.queue.push_back(std::move(r));
        return;
      }
  } else if (auto* d = std::get_if<mqtt::Disconnect>(&packet)) {
    lost(fmt::format(
        "the broker disconnected (reason 0x{:02x}{})", d->reason,
        d->properties.reason_string ? ": " + *d->properties.reason_string : std::string()));
  }
}

Consumer MqttSession::create_consumer(const Destination& destination,
                                      const ConsumerOptions& options) {
  if (destination.kind != DestinationKind::topic)
    throw ClientError(
        ErrorKind::invalid_argument,
        "MQTT subscribes to topics only: use --destination topic://" + destination.name);
  if (!options.selector.empty() || options.browse)
    throw ClientError(ErrorKind::invalid_argument,
                      "MQTT has no selectors or browsers: use --protocol stomp or amqp");
  if (!options.durable_name.empty() && !persistent_)
    throw ClientError(ErrorKind::invalid_argument,
                      "a durable MQTT subscription lives in a persistent session, which needs a "
                      "client id (--clientID)");
  const int id = next_subscription_++;
  subscriptions_[id].filter = topic_of(destination);
  subscriptions_[id].durable = !options.durable_name.empty();
  mqtt::Subscribe s;
  s.packet_id = next_packet_id();
  s.subscriptions.push_back({subscriptions_[id].filter, 1});
  write(s);
  const auto until = deadline();
  while (!subacks_.count(s.packet_id))
    if (!pump(until)) throw ClientError(ErrorKind::timeout, "no SUBACK from the broker");
  const auto reasons = subacks_[s.packet_id];
  subacks_.erase(s.packet_id);
  if (reasons.empty() || reasons[0] >= 0x80)
    throw ClientError(ErrorKind::broker_error,
                      fmt::format("the broker refused the subscription to {} (reason 0x{:02x})",
                                  subscriptions_[id].filter, reasons.empty() ? 0 : reasons[0]));
  return Consumer(*this, id);
}

void MqttSession::send(const Destination& destination, Message& message) {
  mqtt::Publish p;
  p.topic = topic_of(destination);
  p.payload = message.body;
  p.qos = message.delivery == Delivery::persistent ? 1 : 0;
  if (message.delivery == Delivery::persistent && !message.property(kDuplicateIdHeader))
    message.properties[std::string(kDuplicateIdHeader)] =
        fmt::format("{}:{}", session_tag_, ++sent_);
  for (const auto& [k, v] : message.properties) p.properties.user_properties.emplace_back(k, v);
  if (message.expiration_ms > 0) {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    p.properties.message_expiry_interval =
        static_cast<std::uint32_t>(std::max<std::int64_t>(1, (message.expiration_ms - now) / 1000));
  }
  if (p.qos == 0) {
    write(p);
    return;
  }
  if (unconfirmed_.size() >= send_window_) {
    ++blocked_sends_;
    const auto until = deadline();
    while (unconfirmed_.size() >= send_window_)
      if (!pump(until)) throw ClientError(ErrorKind::timeout, "no PUBACK from the broker");
  }
  p.packet_id = next_packet_id();
  unconfirmed_[p.packet_id] = Clock::now();
  write(p);
}

std::optional<Message> MqttSession::receive(int consumer_id, std::chrono::milliseconds timeout) {
  auto it = subscriptions_.find(consumer_id);
  if (it == subscriptions_.end())
    throw ClientError(ErrorKind::invalid_argument, "no such consumer");
  const auto until = timeout.count() < 0 ? Clock::time_point::max() : Clock::now() + timeout;
  while (it->second.queue.empty())
    if (!pump(until)) return std::nullopt;
  Received r = std::move(it->second.queue.front());
  it->second.queue.pop_front();
  if (r.packet_id != 0) write(mqtt::PubAck{mqtt::PacketType::puback, r.packet_id, 0, {}});
  return std::move(r.message);
}

void MqttSession::flush() {
  const auto until = deadline();
  while (!unconfirmed_.empty())
    if (!pump(until)) throw ClientError(ErrorKind::timeout, "no PUBACK from the broker");
}

void MqttSession::commit() {
  throw ClientError(ErrorKind::invalid_argument, "MQTT has no transactions");
}

void MqttSession::rollback() {
  throw ClientError(ErrorKind::invalid_argument, "MQTT has no transactions");
}

void MqttSession::close() {
  if (closed_) return;
  closed_ = true;
  try {
    if (socket_.is_open()) {
      flush();
      // Non-durable subscriptions end with the session's use, as JMS consumers do; a persistent
      // session left with no durable subscription is ended by the DISCONNECT.
      bool durable = false;
      for (const auto& [id, s] : subscriptions_) {
        durable = durable || s.durable;
        if (s.durable) continue;
        mqtt::Unsubscribe u;
        u.packet_id = next_packet_id();
        u.filters.push_back(s.filter);
        write(u);
      }
      mqtt::Disconnect d;
      if (persistent_ && !durable) d.properties.session_expiry_interval = 0;
      write(d);
      release_writes();
    }
  } catch (const ClientError&) {
    // close() never throws; what was not confirmed stays unconfirmed.
  }
  socket_.close();
}

}  // namespace artemis::client
