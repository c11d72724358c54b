#pragma once
// Session: one STOMP link used by one application thread (like a JMS session), with its
// producers and consumers. Synchronous API; all work happens on the calling thread.
//
// Durable sends are pipelined: each carries a receipt and at most `send_window` wait for one;
// flush()/close() wait for all. Every persistent message gets a duplicate id (_AMQ_DUPL_ID)
// when it has none, so a send re-issued after failover is dropped by the broker if the first
// copy had arrived.
//
// Failover (ClientUrl::failover_enabled): when the link breaks, the session reconnects through
// its Connection, re-subscribes its consumers, re-sends unconfirmed durable sends, and marks
// an open transaction as rolled back (the next commit() throws transaction_rolled_back).
// Without failover a broken link is a ClientError(connection_lost).
//
// Acknowledgement: subscriptions use ack:client-individual; a received message is acked when
// the application takes it from receive(). The broker applies STOMP ACKs at once, even inside
// a transaction (reference addressing-protocols.md §6.5), so transacted sessions ack that way too.
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
#include "client/stomp_link.hpp"

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

  Session(Connection& connection, Transacted transacted);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Producer create_producer(const Destination& destination);
  Consumer create_consumer(const Destination& destination, const ConsumerOptions& options = {});

  void commit();    // throws ClientError(transaction_rolled_back) if failover discarded the work
  void rollback();
  void flush();     // waits until every durable send is confirmed
  void close();     // flush, unsubscribe non-durable consumers, DISCONNECT; never throws

  bool transacted() const { return transacted_ == Transacted::yes; }
  int failovers() const { return failovers_; }
  std::size_t send_window() const { return send_window_; }
  void set_send_window(std::size_t n) { send_window_ = n == 0 ? 1 : n; }
  // Durable sends that had to wait for a receipt because send_window() were in flight.
  std::uint64_t blocked_sends() const { return blocked_sends_; }
  // Called on the session thread when the broker confirms a durable send, with the time from
  // the send to its receipt (used by `artemis perf` for its "send ack time").
  void on_confirm(std::function<void(Clock::duration)> callback) { on_confirm_ = std::move(callback); }

  // Used by Producer / Consumer.
  void send(const Destination& destination, Message& message);
  std::optional<Message> receive(int consumer_id, std::chrono::milliseconds timeout);

 private:
  struct Pending {
    std::string receipt;
    stomp::Frame frame;
    Clock::time_point sent_at;
  };
  struct Subscription {
    stomp::Frame subscribe;        // re-sent after failover
    bool durable = false;
    bool browse = false;
    bool auto_ack = false;         // ack:auto: nothing to acknowledge
    bool browse_ended = false;     // the broker sent its `browser:end` marker
    std::deque<Message> queue;     // bounded by the broker's consumer window
    std::deque<std::string> acks;  // ack ids, parallel to queue
  };

  // Runs `step` until it completes without the link breaking, failing over in between.
  template <class Step>
  void with_failover(Step&& step);
  void recover(const std::string& reason);
  void restore();
  bool pump(Clock::time_point deadline);  // handles one frame; false on timeout
  void wait_receipt(const std::string& receipt);
  void ensure_transaction();
  std::string next_receipt();

  Connection& connection_;
  Transacted transacted_;
  std::unique_ptr<StompLink> link_;
  std::uint64_t epoch_ = 0;             // +1 per failover; acks of older epochs are void
  int failovers_ = 0;
  std::uint64_t receipt_counter_ = 0;
  std::size_t send_window_ = 256;
  std::uint64_t blocked_sends_ = 0;
  std::function<void(Clock::duration)> on_confirm_;
  std::deque<Pending> pending_;         // durable sends awaiting a receipt, oldest first
  std::set<std::string> receipts_seen_; // receipts for frames someone waits on explicitly
  std::map<int, Subscription> subscriptions_;
  int next_subscription_ = 0;
  std::string tx_id_;
  bool tx_open_ = false;                // BEGIN sent for tx_id_
  bool tx_lost_ = false;                // failover discarded the open transaction
  int tx_counter_ = 0;
  std::string session_tag_;
  bool closed_ = false;
};

}  // namespace artemis::client
