#pragma once
// STOMP session test fixture: a BrokerCore over a real journal in a temp dir, driven by the
// shared hand-driven scheduler (journal completions reach it from the journal thread), a fake
// net::Connection that captures bytes, and a table-driven security manager.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "core/broker_core.hpp"
#include "core/post_office.hpp"
#include "protocol/stomp/stomp_module.hpp"
#include "stomp/codec.hpp"
#include "support/manual_scheduler.hpp"
#include "support/temp_dir.hpp"

namespace artemis::testing {

class FakeConnection : public net::Connection {
 public:
  explicit FakeConnection(std::uint64_t id) : id_(id) {}
  std::uint64_t id() const override { return id_; }
  std::string remote_address() const override { return "127.0.0.1:5000"; }
  const config::TransportConfig& acceptor() const override { return acceptor_; }
  void send(std::string_view bytes) override {
    if (!closed) out += bytes;
  }
  std::size_t pending_bytes() const override { return pending; }
  void close(net::CloseReason r) override {
    if (closed) return;
    closed = true;
    reason = r;
  }
  void pause_reading() override { paused = true; }
  void resume_reading() override { paused = false; }

  // Decodes everything written so far into frames (heart-beats dropped).
  std::vector<stomp::Frame> frames() {
    stomp::Decoder d;
    d.feed(out.substr(consumed_));
    std::vector<stomp::Frame> got;
    stomp::Frame f;
    std::size_t before = d.buffered();
    for (;;) {
      const auto st = d.next(f);
      if (st == stomp::Decoder::Status::frame) got.push_back(std::move(f)), f = {};
      else if (st != stomp::Decoder::Status::heartbeat) break;
    }
    consumed_ += before - d.buffered();
    return got;
  }

  config::TransportConfig acceptor_;
  std::string out;
  std::size_t pending = 0;
  bool closed = false;
  bool paused = false;
  net::CloseReason reason{};

 private:
  std::uint64_t id_;
  std::size_t consumed_ = 0;
};

class TestSecurity : public security::SecurityManager {
 public:
  std::map<std::string, std::string> users{{"admin", "admin"}, {"guest", "guest"}};
  std::set<std::pair<std::string, security::Permission>> denied;  // (user, permission)
  std::optional<security::Subject> authenticate(std::string_view user, std::string_view pw) override {
    auto it = users.find(std::string(user));
    if (it == users.end() || it->second != pw) return std::nullopt;
    return security::Subject{std::string(user), {"amq"}, false};
  }
  bool authorize(const security::Subject& s, security::Permission p, std::string_view) override {
    return !denied.count({s.user, p});
  }
};

struct StompFixture {
  test_support::TempDir dir{"stomp-session-test"};
  config::BrokerConfig config;
  // Message timestamps read as a recent date.
  test_support::ManualScheduler scheduler{{.start_ms = 1'700'000'000'000}};
  util::Logger log{stderr, util::Level::error};
  TestSecurity security;
  std::unique_ptr<core::BrokerCore> core;
  std::unique_ptr<net::ProtocolModule> module;
  std::uint64_t next_connection = 1;

  StompFixture() {
    config.bindings_directory = dir.path() / "bindings";
    config.journal_directory = dir.path() / "journal";
    config.paging_directory = dir.path() / "paging";
    config.large_messages_directory = dir.path() / "large-messages";
    config.journal.file_size = 1024 * 1024;
    config.journal.datasync = false;
    config.cluster_user = "cluster";
    config.cluster_password = "secret";
    start();
  }
  ~StompFixture() { stop(); }
  void start() {
    core = std::make_unique<core::BrokerCore>(config, scheduler, log);
    REQUIRE_FALSE(core->start());
    module = protocol::stomp::make_stomp_module(protocol::stomp::ModuleContext{
        *core, security, scheduler, log, "ActiveMQ-Artemis/test node",
        [] { return std::vector<std::pair<std::string, std::string>>{{"failover-servers", "tcp://localhost:61617"}}; },
        config.cluster_user, config.cluster_password,
        [this](const std::string& node, const std::string& url) -> std::function<void()> {
          announced = node + "@" + url;
          return [this] { announced.clear(); };
        }});
  }
  void stop() {
    module.reset();
    if (core) core->stop();
    scheduler.run_posted();
    core.reset();
  }
  void restart() {
    stop();
    start();
  }
  std::string announced;

  struct Client {
    StompFixture& fx;
    std::unique_ptr<FakeConnection> conn;
    std::unique_ptr<net::ProtocolSession> session;
    void write(const std::string& bytes) { session->on_bytes(bytes); }
    void frame(const std::string& command, std::vector<std::pair<std::string, std::string>> headers,
               std::string body = "") {
      stomp::Frame f;
      f.command = command;
      f.headers = std::move(headers);
      f.body = std::move(body);
      write(stomp::encode(f, stomp::Version::v1_2));
    }
    std::vector<stomp::Frame> frames() { return conn->frames(); }
    // Waits (running completions) for the next frame.
    std::optional<stomp::Frame> next() {
      std::optional<stomp::Frame> got;
      fx.scheduler.run_until([&] {
        if (pending_.empty()) {
          auto fs = conn->frames();
          pending_.insert(pending_.end(), fs.begin(), fs.end());
        }
        return !pending_.empty();
      });
      if (!pending_.empty()) {
        got = pending_.front();
        pending_.erase(pending_.begin());
      }
      return got;
    }
    void close() { session->on_closed(net::CloseReason::client_closed); }
    std::vector<stomp::Frame> pending_;
  };

  // `params`: the acceptor's URL parameters as this connection sees them.
  Client connect(std::vector<std::pair<std::string, std::string>> extra = {},
                 std::map<std::string, std::string> params = {}) {
    Client c{*this, std::make_unique<FakeConnection>(next_connection++), nullptr, {}};
    for (auto& [k, v] : params) c.conn->acceptor_.params[k] = v;
    c.session = module->create_session(*c.conn);
    std::vector<std::pair<std::string, std::string>> h{{"accept-version", "1.0,1.1,1.2"},
                                                       {"login", "admin"}, {"passcode", "admin"}};
    for (auto& e : extra) h.push_back(e);
    c.frame("CONNECT", h);
    auto f = c.next();
    REQUIRE(f);
    REQUIRE(f->command == "CONNECTED");
    return c;
  }
};

}  // namespace artemis::testing
