#pragma once
// StompSession: a Session on one STOMP link (session.hpp says what a session does).
//
// Durable sends carry a receipt; the session waits for receipts as session.hpp describes.
// Acknowledgement: subscriptions use ack:client-individual; a received message is acked when
// the application takes it from receive(). The broker applies STOMP ACKs at once, even inside
// a transaction (reference addressing-protocols.md §6.5), so transacted sessions ack that way too.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "client/connection.hpp"
#include "client/session.hpp"
#include "client/stomp_link.hpp"

namespace artemis::client {

class StompSession final : public Session {
 public:
  StompSession(Connection& connection, Transacted transacted);
  ~StompSession() override;

  Consumer create_consumer(const Destination& destination,
                           const ConsumerOptions& options = {}) override;
  void commit() override;
  void rollback() override;
  void flush() override;
  void close() override;  // also UNSUBSCRIBEs non-durable consumers, then DISCONNECT
  bool transacted() const override { return transacted_ == Transacted::yes; }
  int failovers() const override { return failovers_; }
  void send(const Destination& destination, Message& message) override;
  std::optional<Message> receive(int consumer_id, std::chrono::milliseconds timeout) override;
  void hold_writes(bool on) override;
  void release_writes() override;

 private:
  struct Pending {
    std::string receipt;
    stomp::Frame frame;
    Clock::time_point sent_at;
  };
  struct Subscription {
    stomp::Frame subscribe;  // re-sent after failover
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
  std::uint64_t epoch_ = 0;  // +1 per failover; acks of older epochs are void
  int failovers_ = 0;
  std::uint64_t receipt_counter_ = 0;
  std::deque<Pending> pending_;          // durable sends awaiting a receipt, oldest first
  std::set<std::string> receipts_seen_;  // receipts for frames someone waits on explicitly
  std::map<int, Subscription> subscriptions_;
  int next_subscription_ = 0;
  std::string tx_id_;
  bool tx_open_ = false;  // BEGIN sent for tx_id_
  bool tx_lost_ = false;  // failover discarded the open transaction
  int tx_counter_ = 0;
  std::string session_tag_;
  bool closed_ = false;
};

}  // namespace artemis::client
