#pragma once
// Session: one connection to the broker used by one application thread (like a JMS session),
// with its producers and consumers; StompSession and AmqpSession speak the protocols.
// Synchronous API; all work happens on the calling thread.
//
// Durable sends are pipelined: at most `send_window` wait for the broker's confirmation;
// flush()/close() wait for all. Every persistent message gets a duplicate id (_AMQ_DUPL_ID)
// when it has none, so a send re-issued after failover is dropped by the broker if the first
// copy had arrived.
//
// Failover (ClientUrl::failover_enabled): when the connection breaks, the session reconnects
// through its Connection, re-creates its consumers, re-sends unconfirmed durable sends, and
// marks an open transaction as rolled back (the next commit() throws transaction_rolled_back).
// Without failover a broken connection is a ClientError(connection_lost).
//
// A received message is acknowledged when the application takes it from receive().
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "client/connection.hpp"
#include "client/destination.hpp"
#include "client/message.hpp"

namespace artemis::client {

class Session;

class Producer {
 public:
  Producer(Session& session, Destination destination) : session_(&session), destination_(std::move(destination)) {}
  // Sends (persistent messages get a duplicate id if they have none). Throws ClientError.
  void send(Message& message);
  const Destination& destination() const { return destination_; }

 private:
  Session* session_;
  Destination destination_;
};

struct ConsumerOptions {
  std::string selector;          // JMS selector (STOMP `selector`)
  std::string durable_name;      // topic only: durable subscription `<client-id>.<name>`
  // Browse: SUBSCRIBE with `browser:true` (the broker sends what is queued, then a MESSAGE with
  // `browser:end`); never acks, so with a broker that ignores the header the messages go back
  // to the queue on close.
  bool browse = false;
  // ack:auto: the broker counts a message acknowledged when it sends it, so the consumer sends
  // no ACK frames (a load generator's mode; a message in flight is lost if the client dies).
  bool auto_ack = false;
};

class Consumer {
 public:
  Consumer(Session& session, int id) : session_(&session), id_(id) {}
  // The next message, or nullopt after `timeout` (negative: wait forever). Throws ClientError.
  std::optional<Message> receive(std::chrono::milliseconds timeout);

 private:
  Session* session_;
  int id_;
};

class Session {
 public:
  using Clock = std::chrono::steady_clock;

  virtual ~Session() = default;
  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Producer create_producer(const Destination& destination) { return Producer(*this, destination); }
  virtual Consumer create_consumer(const Destination& destination,
                                   const ConsumerOptions& options = {}) = 0;

  virtual void
  commit() = 0;  // throws ClientError(transaction_rolled_back) if failover discarded the work
  virtual void rollback() = 0;
  virtual void flush() = 0;  // waits until every durable send is confirmed
  virtual void close() = 0;  // flush, end non-durable consumers, disconnect; never throws

  virtual bool transacted() const = 0;
  virtual int failovers() const = 0;
  std::size_t send_window() const { return send_window_; }
  void set_send_window(std::size_t n) { send_window_ = n == 0 ? 1 : n; }
  // Durable sends that had to wait for a confirmation because send_window() were in flight.
  std::uint64_t blocked_sends() const { return blocked_sends_; }
  // Called on the session thread when the broker confirms a durable send, with the time from
  // the send to its confirmation (used by `artemis perf` for its "send ack time").
  void on_confirm(std::function<void(Clock::duration)> callback) { on_confirm_ = std::move(callback); }
  // Lets the session hold what it writes (sends, acknowledgements) until it next waits for the
  // broker or holds 64 KiB, and write it then in one go: one syscall for many messages, for a
  // caller that sends or receives in a tight loop. A caller that pauses between sends leaves it
  // off or calls release_writes() before pausing. Protocols that write at once ignore it.
  virtual void hold_writes(bool on) {
    hold_writes_ = on;
    if (!on) release_writes();
  }
  // Writes whatever is held now. Throws ClientError when the connection is lost.
  virtual void release_writes() {}

  // Used by Producer / Consumer.
  virtual void send(const Destination& destination, Message& message) = 0;
  virtual std::optional<Message> receive(int consumer_id, std::chrono::milliseconds timeout) = 0;

 protected:
  std::size_t send_window_ = 256;
  std::uint64_t blocked_sends_ = 0;
  bool hold_writes_ = false;
  std::function<void(Clock::duration)> on_confirm_;
};

}  // namespace artemis::client
