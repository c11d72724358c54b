#pragma once
// MqttSession: one MQTT connection (reference §8) mapped onto a core ServerSession.
//   session.cpp            CONNECT/CONNACK, keep-alive, DISCONNECT, wills, take-over, teardown
//   session_publish.cpp    PUBLISH from the client (QoS 0/1/2, retained) and its acks
//   session_subscribe.cpp  SUBSCRIBE/UNSUBSCRIBE, deliveries and their acks
// Broker thread only.
#include <fmt/core.h>

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "core/consumer.hpp"
#include "core/server_session.hpp"
#include "mqtt/codec.hpp"
#include "protocol/mqtt/mqtt_module.hpp"
#include "protocol/mqtt/topic_aliases.hpp"
#include "store/large_message.hpp"

namespace artemis::protocol::mqtt {

namespace wire = artemis::mqtt;

class MqttSession;

// One topic filter of the client: a core consumer on its subscription queue.
struct Subscription : core::ConsumerHandler {
  MqttSession* session = nullptr;
  wire::Subscription options;
  std::optional<std::uint32_t> identifier;  // 5: sent back with every delivery
  std::uint64_t consumer_id = 0;
  bool started = false;  // deliveries wait for the SUBACK
  bool ready(const core::ServerConsumer&) const override;
  void deliver(core::ServerConsumer& consumer, const core::MessageRef& ref) override;
};

class MqttSession : public net::ProtocolSession {
 public:
  // Bytes queued on the connection above which deliveries wait (on_writable resumes them).
  static constexpr std::size_t kHighWaterBytes = 1 << 20;

  MqttSession(net::Connection& connection, ModuleContext& context);
  ~MqttSession() override;

  void on_bytes(std::string_view bytes) override;
  void on_writable() override;
  void on_closed(net::CloseReason reason) override;

  // Another connection took this client id: end without the will, 5 says why.
  void taken_over();

 private:
  friend struct Subscription;

  // A delivery at QoS 1 or 2 until its last ack (a retained copy has no consumer: id 0).
  struct Outbound {
    std::uint64_t consumer_id = 0;
    std::uint64_t message_id = 0;
    std::uint8_t qos = 0;
    bool released = false;  // QoS 2: PUBREC came, PUBREL sent, awaiting PUBCOMP
  };

  void dispatch(wire::Packet& packet);
  void on_connect(wire::Connect& c);
  void refuse_connect(std::uint8_t v3_code, std::uint8_t v5_code, std::string why,
                      net::CloseReason reason);
  void on_publish(wire::Publish& p);
  void on_pubrel(const wire::PubAck& a);
  void on_ack(const wire::PubAck& a);
  void on_subscribe(const wire::Subscribe& s);
  void on_unsubscribe(const wire::Unsubscribe& u);
  void on_disconnect(const wire::Disconnect& d);
  // Protocol violation: 5 gets a DISCONNECT with the reason first; then the connection closes.
  void fail(std::uint8_t reason, std::string why);
  // False when the packet does not fit MQTT's fields (logged; nothing sent).
  bool send(const wire::Packet& packet);
  // How long the will waits once the connection has ended without DISCONNECT (wills.hpp).
  std::chrono::seconds will_delay() const;
  // Once: leaves the connected set, saves a persistent session's subscriptions, closes the
  // consumers (their unacknowledged deliveries go back).
  void end_session();
  void arm_keep_alive();
  // A subscription's consumer, made or made again (a persistent session coming back).
  // The reason code for the SUBACK; the subscription waits for start_subscriptions().
  std::uint8_t subscribe_one(const wire::Subscription& s, std::optional<std::uint32_t> id);
  void start_subscriptions();
  // Deletes the durable queue behind `filter` (a shared one only once no member consumes it).
  void drop_subscription_queue(const std::string& filter);
  void send_retained(const Subscription& sub);
  void deliver(Subscription& sub, core::ServerConsumer& c, const core::MessageRef& ref);
  // A delivery's PUBLISH (streamed from its file when `large`), under a topic alias when the
  // client takes them. False when it was not sent (see send()).
  bool send_publish(wire::Publish& p, const core::MessageRef* large);
  bool can_deliver() const;
  void settle(const Outbound& o);
  std::uint16_t next_packet_id();
  bool persistent() const;
  // Keeps a persistent session's subscriptions and released QoS 2 packet ids in its slot,
  // with its deadline when the connection is `ending`.
  void save_session(bool ending);
  // When a persistent session ends once this connection has gone (wall clock; none: never).
  std::optional<std::int64_t> session_expires_at() const;
  bool v5() const { return version_ == wire::Version::v5; }
  // A warning about this connection, in the connection log's "peer - cid:N: …" form.
  template <class... Args>
  void warn(fmt::format_string<Args...> f, Args&&... args) const {
    ctx_.log.plain(util::Level::warn, "org.apache.activemq.artemis.core.protocol.mqtt",
                   "{} - cid:{}: {}", conn_.remote_address(), conn_.id(),
                   fmt::format(f, std::forward<Args>(args)...));
  }

  net::Connection& conn_;
  ModuleContext& ctx_;
  wire::Decoder decoder_;
  wire::Version version_ = wire::Version::v3_1_1;
  std::unique_ptr<core::ServerSession> core_;
  bool connected_ = false;
  bool closing_ = false;
  bool clean_disconnect_ = false;
  bool ended_ = false;
  bool paused_for_address_ = false;
  std::string client_id_;
  bool clean_start_ = true;
  std::uint32_t session_expiry_ = 0;  // 5: seconds the session outlives the connection
  std::optional<wire::Will> will_;
  std::uint16_t keep_alive_s_ = 0;
  std::int64_t last_read_ms_ = 0;
  util::Scheduler::TimerId keep_alive_timer_ = 0;
  std::uint16_t in_flight_limit_ = 65535;  // deliveries awaiting their ack, at most
  std::uint16_t receive_maximum_ = 65535;  // acceptor's receiveMaximum
  // 5: the client's Maximum Packet Size; a bigger packet is not sent to it.
  std::uint64_t client_max_packet_ = std::numeric_limits<std::uint64_t>::max();
  InboundAliases in_aliases_;    // 5: the client's topic aliases
  OutboundAliases out_aliases_;  // 5: ours, when the client announced a Topic Alias Maximum

  std::map<std::string, std::unique_ptr<Subscription>> subscriptions_;  // by topic filter
  // QoS 2 publishes received and answered with PUBREC, until their PUBREL.
  std::set<std::uint16_t> qos2_received_;
  std::unordered_map<std::uint16_t, Outbound> outbound_;  // by packet id
  std::uint16_t last_packet_id_ = 0;
  std::string encode_buffer_;

  // A large message's PUBLISH on its way (session_large.cpp): its payload goes from its file
  // as the connection drains; packets sent meanwhile wait in `after_` to keep the stream whole,
  // and no other delivery starts.
  struct Stream {
    core::MessageRef ref;  // holds the body's file
    store::LargeBodyReader reader;
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
  };
  std::unique_ptr<Stream> stream_;
  std::string after_;
  std::string chunk_;
  // False, sending nothing, when the head does not fit MQTT or the file cannot be opened.
  bool start_stream(const wire::Publish& head, const core::MessageRef& ref);
  void pump_stream();
};

}  // namespace artemis::protocol::mqtt
