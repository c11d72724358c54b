#pragma once
// AmqpSession: a Session on one AMQP 1.0 connection (session.hpp says what a session does).
//
// A producer's destination is a sender link (capability `queue` or `topic`); a durable send is
// confirmed by the broker's `accepted`, a non-durable one goes pre-settled unless
// blockOnNonDurableSend. A consumer is a receiver link with message credit (1000, topped up
// at half), a selector source filter, a durable subscription (link named after it, durable
// terminus) or a browser (distribution-mode copy, read with drains until one brings nothing).
// A transacted session declares transactions on a coordinator link: its sends and
// acknowledgements carry the transactional state and commit()/rollback() discharge it.
#include <proton/codec.h>
#include <proton/message.h>
#include <proton/types.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "client/amqp_link.hpp"
#include "client/connection.hpp"
#include "client/session.hpp"

namespace artemis::client {

class AmqpSession final : public Session {
 public:
  AmqpSession(Connection& connection, Transacted transacted);
  ~AmqpSession() override;

  Consumer create_consumer(const Destination& destination,
                           const ConsumerOptions& options = {}) override;
  void commit() override;
  void rollback() override;
  void flush() override;
  void close() override;
  bool transacted() const override { return transacted_ == Transacted::yes; }
  int failovers() const override { return failovers_; }
  void send(const Destination& destination, Message& message) override;
  std::optional<Message> receive(int consumer_id, std::chrono::milliseconds timeout) override;
  void hold_writes(bool on) override;
  void release_writes() override;

 private:
  struct Pending {  // a durable send awaiting the broker's outcome
    pn_delivery_t* delivery = nullptr;
    Destination destination;
    Message message;  // re-sent after failover
    Clock::time_point sent_at;
  };
  struct Receiver {
    Destination destination;
    ConsumerOptions options;
    pn_link_t* link = nullptr;
    std::deque<std::pair<Message, pn_delivery_t*>> queue;
    int received_since_drain = 0;  // a browser's end: a drain that brought nothing
    bool browse_ended = false;
  };

  // Runs `step` until it completes without the connection breaking, failing over in between.
  template <class Step>
  void with_failover(Step&& step) {
    for (;;) {
      try {
        step();
        return;
      } catch (const LinkLost& e) {
        recover(e.what());
      }
    }
  }
  void open_link(const Server& server);
  void recover(const std::string& reason);
  void restore();
  void on_event(pn_event_t* e);
  void on_delivery(pn_delivery_t* d);
  // Runs the connection until `done` or the call timeout; throws timeout with `what`.
  void wait(const std::function<bool()>& done, const char* what);
  void throw_pending_error();
  pn_link_t* sender_for(const Destination& destination);
  void attach_receiver(Receiver& r, int id);
  void ensure_transaction();
  void put_transactional_state(pn_delivery_t* d, bool accepted);
  std::uint64_t discharge(bool fail);
  pn_delivery_t* transmit(pn_link_t* sender, const Message& message, bool settled);
  // Sends a coordinator control message (declare / discharge) and waits for its outcome.
  pn_delivery_t* control(std::uint64_t code, const std::function<void(pn_data_t*)>& fields);

  Connection& connection_;
  Transacted transacted_;
  std::string container_id_;
  std::unique_ptr<AmqpLink> link_;
  // Freed by its own deleter: the constructor may throw after making it (no broker reachable).
  struct MessageFree {
    void operator()(pn_message_t* m) const { pn_message_free(m); }
  };
  std::unique_ptr<pn_message_t, MessageFree> scratch_;
  std::string bytes_;
  std::uint64_t tags_ = 0;
  int failovers_ = 0;
  std::uint64_t epoch_ = 0;
  std::map<std::string, pn_link_t*> senders_;  // by destination name and kind
  std::map<int, Receiver> receivers_;
  int next_receiver_ = 0;
  std::deque<Pending> pending_;
  std::string error_;  // a refusal seen while handling events, thrown after
  pn_link_t* coordinator_ = nullptr;
  pn_delivery_t* control_ = nullptr;  // the declare or discharge awaiting its outcome
  std::string tx_id_;
  bool tx_open_ = false;
  bool tx_lost_ = false;
  std::string session_tag_;
  std::uint64_t duplicate_counter_ = 0;
  bool closed_ = false;
};

}  // namespace artemis::client
