#pragma once
// An AmqpConnection over a real broker core and journal, driven by a real AMQP client (Proton's
// own connection driver, client side) in memory: no sockets, journal completions only when the
// test runs the scheduler.
#include <doctest/doctest.h>
#include <proton/codec.h>
#include <proton/connection.h>
#include <proton/connection_driver.h>
#include <proton/delivery.h>
#include <proton/disposition.h>
#include <proton/link.h>
#include <proton/message.h>
#include <proton/sasl.h>
#include <proton/session.h>
#include <proton/terminus.h>
#include <proton/transport.h>

#include <cstring>
#include <functional>
#include <string>

#include "core/broker_core.hpp"
#include "core/post_office.hpp"
#include "core/queue.hpp"
#include "protocol/amqp/amqp_module.hpp"
#include "protocol/amqp/message_mapping.hpp"
#include "support/manual_scheduler.hpp"
#include "support/temp_dir.hpp"

namespace artemis::testing {

class MemoryConnection : public net::Connection {
 public:
  std::uint64_t id() const override { return 1; }
  std::string remote_address() const override { return "127.0.0.1:5000"; }
  const config::TransportConfig& acceptor() const override { return acceptor_; }
  void send(std::string_view bytes) override { out += bytes; }
  std::size_t pending_bytes() const override { return 0; }
  void close(net::CloseReason r) override {
    closed = true;
    reason = r;
  }
  void pause_reading() override {}
  void resume_reading() override {}

  config::TransportConfig acceptor_;
  std::string out;
  bool closed = false;
  net::CloseReason reason{};
};

class Users : public security::SecurityManager {
 public:
  std::optional<security::Subject> authenticate(std::string_view user,
                                                std::string_view pw) override {
    if (user != "admin" || pw != "secret") return std::nullopt;
    return security::Subject{"admin", {"amq"}, false};
  }
  bool authorize(const security::Subject&, security::Permission, std::string_view) override {
    return true;
  }
};

// A broker core over a real journal, one AMQP connection to it and a Proton client at the other
// end; pump() moves the bytes both ways.
struct Fixture {
  test_support::TempDir dir{"amqp-connection-test"};
  config::BrokerConfig config;
  test_support::ManualScheduler scheduler{{.start_ms = 1'700'000'000'000}};
  util::Logger log{stderr, util::Level::error};
  Users users;
  std::unique_ptr<core::BrokerCore> core;
  std::unique_ptr<net::ProtocolModule> module;
  MemoryConnection server_conn;
  std::unique_ptr<net::ProtocolSession> server;
  pn_connection_driver_t client{};
  pn_session_t* session = nullptr;

  explicit Fixture(const char* password = "secret") {
    config.bindings_directory = dir.path() / "bindings";
    config.journal_directory = dir.path() / "journal";
    config.paging_directory = dir.path() / "paging";
    config.large_messages_directory = dir.path() / "large-messages";
    config.journal.file_size = 1024 * 1024;
    config.journal.datasync = false;
    core = std::make_unique<core::BrokerCore>(config, scheduler, log);
    REQUIRE_FALSE(core->start());
    module = protocol::amqp::make_amqp_module({*core, users, scheduler, log, "broker", "test"});
    server = module->create_session(server_conn);

    pn_connection_driver_init(&client, pn_connection(), pn_transport());
    pn_connection_set_container(client.connection, "client-1");
    pn_connection_set_user(client.connection, "admin");
    pn_connection_set_password(client.connection, password);
    pn_sasl_set_allow_insecure_mechs(pn_sasl(client.transport), true);
    pn_sasl_allowed_mechs(pn_sasl(client.transport), "PLAIN");
    pn_connection_open(client.connection);
    session = pn_session(client.connection);
    pn_session_open(session);
  }
  ~Fixture() {
    server.reset();
    module.reset();
    core->stop();
    scheduler.run_posted();
    core.reset();
    pn_connection_driver_destroy(&client);
  }

  // Moves bytes both ways until neither side has more; client events are dropped (the test
  // reads the endpoints' state instead). Bounded: 100 rounds.
  void pump() {
    for (int round = 0; round < 100; ++round) {
      bool moved = false;
      while (pn_connection_driver_next_event(&client)) {
      }
      for (pn_bytes_t b = pn_connection_driver_write_buffer(&client); b.size > 0;
           b = pn_connection_driver_write_buffer(&client)) {
        const std::string bytes(b.start, b.size);
        pn_connection_driver_write_done(&client, b.size);
        server->on_bytes(bytes);
        moved = true;
      }
      while (!server_conn.out.empty()) {
        pn_rwbytes_t room = pn_connection_driver_read_buffer(&client);
        if (room.size == 0) break;
        const std::size_t n = std::min(room.size, server_conn.out.size());
        std::memcpy(room.start, server_conn.out.data(), n);
        pn_connection_driver_read_done(&client, n);
        server_conn.out.erase(0, n);
        moved = true;
      }
      if (!moved) return;
    }
  }
  // Runs the broker's posted work (journal completions, deferred output), pumping, until
  // `done` holds; false at the scheduler's deadline.
  bool until(const std::function<bool()>& done) {
    return scheduler.run_until([&] {
      pump();
      return done();
    });
  }

  pn_link_t* link(bool sender, const char* name, const char* address) {
    pn_link_t* l = sender ? pn_sender(session, name) : pn_receiver(session, name);
    pn_terminus_t* t = sender ? pn_link_target(l) : pn_link_source(l);
    pn_terminus_set_address(t, address);
    pn_data_t* caps = pn_terminus_capabilities(t);
    pn_data_put_array(caps, false, PN_SYMBOL);
    pn_data_enter(caps);
    pn_data_put_symbol(caps, pn_bytes(5, "queue"));
    pn_data_exit(caps);
    pn_link_open(l);
    return l;
  }

  pn_delivery_t* send(pn_link_t* sender, std::string_view body, bool durable, int tag) {
    pn_message_t* m = pn_message();
    pn_message_set_durable(m, durable);
    pn_data_put_string(pn_message_body(m), pn_bytes(body.size(), body.data()));
    std::string bytes;
    REQUIRE(protocol::amqp::encode(m, bytes));
    pn_message_free(m);
    pn_delivery_t* d =
        pn_delivery(sender, pn_dtag(reinterpret_cast<const char*>(&tag), sizeof tag));
    pn_link_send(sender, bytes.data(), bytes.size());
    pn_link_advance(sender);
    return d;
  }

  // The body of the receiver's current delivery (advancing past it), "" when none is readable.
  static std::string receive(pn_link_t* receiver, pn_delivery_t** out = nullptr) {
    pn_delivery_t* d = pn_link_current(receiver);
    if (d == nullptr || !pn_delivery_readable(d) || pn_delivery_partial(d)) return "";
    std::string bytes(pn_delivery_pending(d), '\0');
    pn_link_recv(receiver, bytes.data(), bytes.size());
    pn_link_advance(receiver);
    pn_message_t* m = pn_message();
    REQUIRE(pn_message_decode(m, bytes.data(), bytes.size()) == 0);
    pn_data_t* body = pn_message_body(m);
    pn_data_rewind(body);
    REQUIRE(pn_data_next(body));
    const pn_bytes_t text = pn_data_get_string(body);
    std::string got(text.start, text.size);
    pn_message_free(m);
    if (out != nullptr) *out = d;
    return got;
  }
};

}  // namespace artemis::testing
