#pragma once
// MqttSession: a Session over MQTT 5 (session.hpp says what a session does). The destination's
// name is the topic, with `.` written as `/` (the broker maps `/` back to `.`, so topic a/b is
// address a.b whichever protocol reaches it). Persistent messages are published at QoS 1 and
// pipelined up to send_window(), each confirmed by its PUBACK; non-persistent ones at QoS 0.
// Message properties travel as MQTT 5 user properties. A consumer subscribes at QoS 1 and a
// message is acknowledged (PUBACK) when the application takes it from receive().
//
// MQTT has no queues, selectors, browsers or transactions: a consumer of a queue, a selector, a
// browser or a transacted session is refused with ClientError(invalid_argument) naming what to
// use instead. With a client id the session is persistent (clean start off, no expiry) so a
// durable consumer's subscription and its messages outlive the connection; close() ends the
// non-durable subscriptions, and the session itself when none is durable. No failover: a broken
// connection is ClientError(connection_lost).
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "client/connection.hpp"
#include "client/session.hpp"
#include "client/socket.hpp"
#include "mqtt/codec.hpp"

namespace artemis::client {

class MqttSession final : public Session {
 public:
  MqttSession(Connection& connection, Transacted transacted);
  ~MqttSession() override;

  Consumer create_consumer(const Destination& destination,
                           const ConsumerOptions& options = {}) override;
  void commit() override;
  void rollback() override;
  void flush() override;
  void close() override;
  bool transacted() const override { return false; }
  int failovers() const override { return 0; }
  void send(const Destination& destination, Message& message) override;
  std::optional<Message> receive(int consumer_id, std::chrono::milliseconds timeout) override;
  void release_writes() override;

 private:
  struct Received {
    Message message;
    std::uint16_t packet_id = 0;  // QoS 1: acknowledged when taken
  };
  struct Subscription {
    std::string filter;
    bool durable = false;
    std::deque<Received> queue;
  };

  void open(const Server& server, bool clean_start);
  void write(const mqtt::Packet& packet);
  // Reads and handles one packet; false when `deadline` passed first.
  bool pump(Clock::time_point deadline);
  void handle(mqtt::Packet& packet);
  void lost(const std::string& why);
  std::uint16_t next_packet_id();
  Clock::time_point deadline() const;

  Connection& connection_;
  Socket socket_;
  mqtt::Decoder decoder_;
  std::string input_;
  std::string held_;  // encoded packets not written yet (hold_writes)
  std::string client_id_;
  std::string session_tag_;
  std::uint64_t sent_ = 0;
  std::uint16_t last_packet_id_ = 0;
  std::map<std::uint16_t, Clock::time_point> unconfirmed_;  // QoS 1 publishes awaiting PUBACK
  std::map<std::uint16_t, std::vector<std::uint8_t>> subacks_;
  std::map<int, Subscription> subscriptions_;
  int next_subscription_ = 0;
  bool persistent_ = false;  // clean start off: a client id was given
  // Keep-alive: ours, or the broker's Server Keep Alive; a PINGREQ goes when nothing was
  // written for this long while pump() waits (0: none).
  std::chrono::seconds keep_alive_{0};
  Clock::time_point last_write_{};
  bool closed_ = false;
};

}  // namespace artemis::client
