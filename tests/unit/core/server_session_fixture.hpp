#pragma once
// ServerSession test fixture: a CoreFixture (PostOffice over in-memory journals, hand-driven
// scheduler) with a durable anycast queue "orders" and a security manager whose answers a test
// sets per permission and which counts what it was asked.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <set>

#include "core/server_session.hpp"
#include "fixtures.hpp"
#include "security/user_connections.hpp"

namespace artemis::testing {

class SessionTestSecurity : public security::SecurityManager {
 public:
  std::map<std::string, std::string> users{{"alice", "secret"}};
  std::set<security::Permission> denied;
  std::map<std::pair<security::Permission, std::string>, int> asked;  // (permission, address)
  std::uint64_t gen = 0;

  std::optional<security::Subject> authenticate(std::string_view user,
                                                std::string_view pw) override {
    auto it = users.find(std::string(user));
    if (it == users.end() || it->second != pw) return std::nullopt;
    return security::Subject{std::string(user), {"amq"}, false};
  }
  bool authorize(const security::Subject&, security::Permission p,
                 std::string_view address) override {
    ++asked[{p, std::string(address)}];
    return denied.count(p) == 0;
  }
  std::uint64_t generation() const override { return gen; }
  // resource-limit-settings, when a test sets them.
  std::unique_ptr<security::UserConnections> limits;
  security::UserConnections* user_connections() override { return limits.get(); }
};

// "ok", or the refusal's text: a CHECK on it shows why a call was refused.
inline std::string session_text(const core::SessionResult& r) { return r ? r->text : "ok"; }

struct SessionFixture : CoreFixture {
  SessionTestSecurity security;
  std::vector<std::string> events;  // completions, in the order they ran

  // `tweak` edits the broker configuration before the PostOffice starts (address-settings).
  explicit SessionFixture(const std::function<void(config::BrokerConfig&)>& tweak = {}) {
    if (tweak) tweak(config);
    start();
    anycast_queue("orders");
  }

  std::unique_ptr<core::ServerSession> session(std::uint64_t connection_id = 1,
                                               core::SessionOptions o = {}) {
    o.connection_id = connection_id;
    auto s = std::make_unique<core::ServerSession>(*po, security, std::move(o));
    REQUIRE(session_text(s->login("alice", "secret")) == "ok");
    return s;
  }
  // A completion that logs `tag` (and the error, if any) into `events`.
  core::ServerSession::Completion note(std::string tag) {
    return [this, tag = std::move(tag)](std::error_code ec) {
      events.push_back(ec ? tag + ":" + ec.message() : tag);
    };
  }
  using CoreFixture::send;  // straight to the PostOffice, stored on return
  // Through the session; completion logged as `tag`.
  core::SessionResult send(core::ServerSession& s, const std::string& dest, core::MessagePtr m,
                           const std::string& tag = "sent", const std::string* tx = nullptr) {
    return s.send(std::move(m), s.resolve(dest), tx, note(tag));
  }
  // Creates a consumer (REQUIREs success); `r.target` is resolved from `dest`.
  core::ConsumerInfo consume(core::ServerSession& s, RecordingHandler& h, const std::string& dest,
                             core::ConsumerRequest r = {}) {
    r.target = s.resolve(dest, r.target.routing_type);
    core::ConsumerInfo info;
    REQUIRE(session_text(s.create_consumer(r, h, info)) == "ok");
    return info;
  }
  core::Queue& queue(const std::string& name) {
    core::Queue* q = po->find_queue(name);
    REQUIRE(q != nullptr);
    return *q;
  }
};

}  // namespace artemis::testing
