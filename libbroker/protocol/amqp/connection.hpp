#pragma once
// AmqpConnection: one AMQP 1.0 connection (reference/addressing-protocols.md §7) on Qpid
// Proton's connection driver. Proton does the framing, SASL and the type system; this class maps
// Proton's events onto the core's ServerSession and maps the results back:
//   - SASL PLAIN / ANONYMOUS through ServerSession::login (sasl.cpp); a client that skips SASL
//     is logged in anonymously, and refused if the security settings require a login;
//   - a link the client sends on (incoming.cpp): its target is the address, messages become
//     core sends, a durable one is accepted only once it is on disk; credit amqpCredits (1000)
//     topped up below amqpLowCredits (300), none while address-full-policy BLOCK holds;
//   - a link the client receives on (outgoing.cpp): a core consumer with message credit,
//     dispositions become settlements (accepted, released, modified, rejected);
//   - the transaction coordinator (transactions.cpp): core transactions declared and
//     discharged, transfers and dispositions with a transactional state part of them.
// One ServerSession serves every AMQP session of the connection (one login, one client id).
//
// Broker thread only. Proton calls back (SASL) only from inside run(); core completions and
// deliveries may come at any time and only queue output or a run().
#include <proton/connection_driver.h>
#include <proton/message.h>
#include <proton/terminus.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/server_session.hpp"
#include "net/protocol.hpp"
#include "protocol/amqp/amqp_module.hpp"
#include "store/large_message.hpp"

namespace artemis::protocol::amqp {

class AmqpConnection final : public net::ProtocolSession {
 public:
  AmqpConnection(net::Connection& connection, ModuleContext& context);
  ~AmqpConnection() override;
  AmqpConnection(const AmqpConnection&) = delete;
  AmqpConnection& operator=(const AmqpConnection&) = delete;

  void on_bytes(std::string_view bytes) override;
  void on_writable() override;
  void on_closed(net::CloseReason reason) override;

  // Deliveries stop above this many bytes waiting for the socket.
  static constexpr std::size_t kHighWaterBytes = 512 * 1024;
  // The largest message a client may send, and the most bytes of unfinished transfers one
  // connection may hold (large messages, streamed to disk, are not supported yet).
  static constexpr std::size_t kMaxMessageBytes = 100u << 20;

  // SASL (sasl.cpp), from Proton inside run(). The mechanisms offered, and one attempt's
  // verdict: `response` is the client's initial response.
  const char* sasl_mechanisms() const { return mechanisms_.c_str(); }
  bool sasl_login(std::string_view mechanism, std::string_view response, std::string& user);

 private:
  struct Incoming;
  struct Outgoing;

  // Handles every pending Proton event, then writes what Proton produced. Reentrant calls
  // (a completion while handling) only ask for another round.
  void run();
  void handle(pn_event_t* event);
  void write_out();
  // A run() soon, from the loop: for output produced outside one (a delivery, a completion).
  void schedule_run();
  void arm_tick();

  void on_remote_open(pn_connection_t* c);
  static void put_failover_servers(pn_data_t* props, const std::string& urls);
  void on_link_open(pn_link_t* link);
  // `closed`: detached with close=true (a durable subscription goes too), else only detached.
  void on_link_closed(pn_link_t* link, bool closed);
  void on_session_closed(pn_session_t* session);
  void on_delivery(pn_delivery_t* d);
  void on_flow(pn_link_t* link);
  // Refuses a link: an error condition, then a detach that closes it.
  void refuse_link(pn_link_t* link, const char* condition, const std::string& description);
  void forget_link(pn_link_t* link, bool closed);

  // incoming.cpp: the client sends.
  void open_incoming(pn_link_t* link);
  void receive(Incoming& in, pn_delivery_t* d);
  // Takes what arrived of `d` into in.partial; false when the connection's limit is passed.
  bool take_bytes(Incoming& in, pn_delivery_t* d);
  void transfer(Incoming& in, pn_delivery_t* d, std::string_view bytes,
                std::shared_ptr<store::LargeBody> large_body = nullptr);
  // Large messages received (incoming_large.cpp): true when `in.partial` became one.
  bool start_large(Incoming& in);
  void receive_large(Incoming& in, pn_delivery_t* d);
  void large_written(pn_link_t* link, pn_delivery_t* d, std::error_code ec,
                     std::shared_ptr<store::LargeBody> body);
  std::optional<core::Target> target_of(const Incoming& in);
  void top_up(Incoming& in);
  void settle_transfer(pn_delivery_t* d, std::error_code ec, const std::string& tx = {},
                       const char* failure = "amqp:internal-error");
  static void reject(pn_delivery_t* d, const char* condition, const std::string& description);

  // transactions.cpp: the coordinator's declare and discharge.
  void open_coordinator(pn_link_t* link);
  void control(pn_delivery_t* d, std::string_view bytes);
  // Answers a transactional transfer: accepted as part of `tx`, settled.
  static void accept_in_transaction(pn_delivery_t* d, const std::string& tx);

  // outgoing.cpp: the client receives.
  void open_outgoing(pn_link_t* link);
  void open_browser(pn_link_t* link, const core::Target& target, const std::string& selector);
  static void describe_subscription(pn_terminus_t* source, const std::string& address);
  // Encodes and sends `ref` on `link`; null when Proton refused to encode it.
  pn_delivery_t* send_message(pn_link_t* link, const core::MessageRef& ref);
  void deliver(Outgoing& out, const core::MessageRef& ref);
  // A large message: its head now, its body by pump_streams (outgoing_large.cpp).
  void start_stream(Outgoing& out, const core::MessageRef& ref);
  void pump_streams();
  void pump(Outgoing& out);
  void end_delivery(Outgoing& out, pn_delivery_t* d, std::uint64_t id);
  void settled_by_client(Outgoing& out, pn_delivery_t* d);
  void sync_credit(Outgoing& out);

  net::Connection& conn_;
  ModuleContext& ctx_;
  std::string mechanisms_;
  pn_connection_driver_t driver_{};
  pn_message_t* message_ = nullptr;            // reused for every transfer
  std::string buffer_;                         // a message being encoded
  std::string chunk_;                          // a piece of a large body on its way out
  std::int64_t large_min_ = 0;  // amqpMinLargeMessageSize: bytes above which a body goes to a file
  bool paused_for_upload_ = false;
  std::size_t partial_bytes_ = 0;              // Incoming::partial bytes, every link together
  std::unique_ptr<core::ServerSession> core_;  // null once the connection closed
  bool authenticated_ = false;
  bool closed_ = false;
  bool running_ = false;
  bool again_ = false;
  bool run_scheduled_ = false;
  bool opened_ = false;  // the client's open arrived
  util::Scheduler::TimerId open_timer_ = 0;
  util::Scheduler::TimerId tick_timer_ = 0;
  std::int64_t tick_at_ = 0;
  std::int64_t credits_ = 1000;
  std::int64_t low_credits_ = 300;
  bool duplicate_detection_ = true;          // amqpDuplicateDetection
  std::uint64_t transactions_declared_ = 0;  // names the next one
  std::unordered_map<pn_link_t*, std::unique_ptr<Incoming>> incoming_;
  std::unordered_map<pn_link_t*, std::unique_ptr<Outgoing>> outgoing_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace artemis::protocol::amqp
