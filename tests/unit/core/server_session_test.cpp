// ServerSession without any protocol: identity, permissions, addressing, ordered completions,
// transactions and failed stores, on the hand-driven scheduler (run_posted() is "the journal
// wrote it"). Consumers, outcomes, credit and subscriptions: server_session_consume_test.cpp.
#include <doctest/doctest.h>

#include "server_session_fixture.hpp"

using namespace artemis;
using namespace artemis::core;
using artemis::testing::RecordingHandler;
using artemis::testing::SessionFixture;
using artemis::testing::session_text;
using security::Permission;

namespace {

const std::string ss_tx = "tx1";

}  // namespace

TEST_CASE("session: login with a good password, refused with a bad one naming the user") {
  SessionFixture f;
  ServerSession s(*f.po, f.security, {});
  // Nothing is allowed before login.
  auto early = s.check(Permission::send, "orders");
  REQUIRE(early);
  CHECK(early->code == errc::unauthorized);

  auto bad = s.login("alice", "wrong");
  REQUIRE(bad);
  CHECK(bad->code == errc::authentication_failed);
  CHECK(bad->text.find("alice") != std::string::npos);
  CHECK_FALSE(s.logged_in());

  CHECK(session_text(s.login("alice", "secret")) == "ok");
  REQUIRE(s.logged_in());
  CHECK(s.subject().user == "alice");
}

// Every permission the session checks: refused with Artemis's words when the security manager
// says no, done when it says yes. Each row runs in a fresh broker.
TEST_CASE("session: each permission is refused with Artemis's text, allowed otherwise") {
  struct Row {
    Permission permission;
    std::string text;  // the refusal, exactly
    std::function<SessionResult(SessionFixture&, ServerSession&)> act;
  };
  const std::vector<Row> rows{
      {Permission::send, "User: alice does not have permission='send' on address orders",
       [](SessionFixture& f, ServerSession& s) { return f.send(s, "orders", f.message("m")); }},
      {Permission::consume, "User: alice does not have permission='consume' on address orders",
       [](SessionFixture&, ServerSession& s) {
         static RecordingHandler h;
         ConsumerRequest r;
         r.target = s.resolve("orders");
         ConsumerInfo info;
         return s.create_consumer(r, h, info);
       }},
      {Permission::browse, "User: alice does not have permission='browse' on address orders",
       [](SessionFixture&, ServerSession& s) {
         return s.browse(s.resolve("orders"), "", [](const MessageRef&) {});
       }},
      // Sending to an unknown ANYCAST address auto-creates the address, then its queue.
      {Permission::create_address,
       "User: alice does not have permission='createAddress' on address fresh",
       [](SessionFixture& f, ServerSession& s) {
         return s.send(f.message("m"), s.resolve("fresh", RoutingType::anycast), nullptr,
                       f.note("sent"));
       }},
      {Permission::create_durable_queue,
       "User: alice does not have permission='createDurableQueue' on address fresh",
       [](SessionFixture& f, ServerSession& s) {
         return s.send(f.message("m"), s.resolve("fresh", RoutingType::anycast), nullptr,
                       f.note("sent"));
       }},
      // A subscription on a MULTICAST address makes a queue for the consumer.
      {Permission::create_non_durable_queue,
       "User: alice does not have permission='createNonDurableQueue' on address news",
       [](SessionFixture& f, ServerSession& s) {
         REQUIRE_FALSE(f.po->create_address("news", RoutingType::multicast, false));
         static RecordingHandler h;
         ConsumerRequest r;
         r.target = s.resolve("news");
         ConsumerInfo info;
         return s.create_consumer(r, h, info);
       }},
      {Permission::create_durable_queue,
       "User: alice does not have permission='createDurableQueue' on address news",
       [](SessionFixture& f, ServerSession& s) {
         REQUIRE_FALSE(f.po->create_address("news", RoutingType::multicast, false));
         s.set_client_id("c1");
         static RecordingHandler h;
         ConsumerRequest r;
         r.target = s.resolve("news");
         r.durable_name = "sub";
         ConsumerInfo info;
         return s.create_consumer(r, h, info);
       }},
      {Permission::delete_durable_queue,
       "User: alice does not have permission='deleteDurableQueue' on address news",
       [](SessionFixture& f, ServerSession& s) {
         REQUIRE_FALSE(f.po->create_address("news", RoutingType::multicast, false));
         QueueDefinition d;
         d.name = "c1.sub";
         d.address = "news";
         d.routing_type = RoutingType::multicast;
         REQUIRE_FALSE(f.po->create_queue(d));
         s.set_client_id("c1");
         return s.delete_durable_subscription("sub");
       }},
  };
  for (const auto& row : rows) {
    for (const bool deny : {true, false}) {
      CAPTURE(row.text);
      CAPTURE(deny);
      SessionFixture f;
      if (deny) f.security.denied.insert(row.permission);
      auto s = f.session();
      auto r = row.act(f, *s);
      if (deny) {
        REQUIRE(r);
        CHECK(r->code == errc::unauthorized);
        CHECK(r->text == row.text);
      } else {
        CHECK(session_text(r) == "ok");
      }
      f.scheduler.run_posted();
      // A refusal runs no completion and creates nothing it was refused.
      if (deny) CHECK(f.events.empty());
      if (deny && row.permission == Permission::create_durable_queue)
        CHECK(f.po->find_queue("fresh") == nullptr);
      if (row.permission == Permission::delete_durable_queue)
        CHECK((f.po->find_queue("c1.sub") != nullptr) == deny);
    }
  }
}

TEST_CASE("session: permission answers are cached per address until the security generation moves") {
  SessionFixture f;
  auto s = f.session();
  for (int i = 0; i < 3; ++i) REQUIRE(session_text(f.send(*s, "orders", f.message("m"))) == "ok");
  CHECK(f.security.asked[{Permission::send, "orders"}] == 1);
  // A refusal is cached too.
  f.security.denied.insert(Permission::browse);
  for (int i = 0; i < 2; ++i) CHECK(s->check(Permission::browse, "orders"));
  CHECK(f.security.asked[{Permission::browse, "orders"}] == 1);
  // security-settings reloaded: asked again.
  f.security.gen = 1;
  REQUIRE(session_text(f.send(*s, "orders", f.message("m"))) == "ok");
  CHECK(f.security.asked[{Permission::send, "orders"}] == 2);
}

TEST_CASE("session: resolve strips acceptor prefixes and splits FQQNs") {
  SessionFixture f;
  SessionOptions o;
  o.anycast_prefixes = {"anycast://", "queue."};
  o.multicast_prefixes = {"multicast://"};
  auto s = f.session(1, o);

  Target a = s->resolve("anycast://orders");
  CHECK(a.destination.address == "orders");
  CHECK_FALSE(a.destination.fqqn());
  CHECK(a.prefix == "anycast://");
  CHECK(a.routing_type == RoutingType::anycast);
  CHECK(s->resolve("queue.orders").destination.address == "orders");

  Target m = s->resolve("multicast://news::c1.sub");
  CHECK(m.destination.address == "news");
  CHECK(m.destination.queue == "c1.sub");
  CHECK(m.routing_type == RoutingType::multicast);

  Target plain = s->resolve("orders::orders");
  CHECK(plain.prefix.empty());
  CHECK_FALSE(plain.routing_type);
  CHECK(plain.destination.queue == "orders");
  // A protocol's hint applies without a prefix; with one, the prefix wins (as in Artemis).
  CHECK(s->resolve("orders", RoutingType::multicast).routing_type == RoutingType::multicast);
  CHECK(s->resolve("anycast://orders", RoutingType::multicast).routing_type ==
        RoutingType::anycast);
  // A bare prefix names nothing to strip.
  CHECK(s->resolve("anycast://").destination.address == "anycast://");
}

TEST_CASE("session: a durable send is visible only once stored; later sends never overtake it") {
  SessionFixture f;
  auto s = f.session();
  RecordingHandler h;
  f.consume(*s, h, "orders");
  REQUIRE(session_text(f.send(*s, "orders", f.message("durable", true), "d")) == "ok");
  // Non-durable: nothing to write, yet it waits for the durable one before it.
  REQUIRE(session_text(f.send(*s, "orders", f.message("plain"), "n")) == "ok");
  s->after_pending([&] { f.events.push_back("after"); });
  CHECK(h.got.empty());
  CHECK(f.events.empty());
  CHECK(s->pending_completions() == 3);

  f.scheduler.run_posted();
  CHECK(h.bodies() == std::vector<std::string>{"durable", "plain"});
  CHECK(f.events == std::vector<std::string>{"d", "n", "after"});
  CHECK(s->pending_completions() == 0);
  // Nothing pending: at once.
  s->after_pending([&] { f.events.push_back("now"); });
  CHECK(f.events.back() == "now");
}

TEST_CASE("session: a durable send to a queue created a moment ago waits for the queue's record") {
  // The queue's record and the message go to two journals that sync on their own: were the
  // send confirmed once its own journal synced, a crash could keep the message and lose its
  // queue, and the restarted broker would drop the message.
  SessionFixture f;
  f.scheduler.run_posted();
  f.bindings_journal->hold_completions();
  f.anycast_queue("fresh");
  auto s = f.session();
  RecordingHandler h;
  f.consume(*s, h, "fresh");
  REQUIRE(session_text(f.send(*s, "fresh", f.message("first", true), "d1")) == "ok");
  // Non-durable: nothing of it survives a crash anyway, so it does not wait for the bindings
  // (only for the durable send before it, as always).
  REQUIRE(session_text(f.send(*s, "fresh", f.message("plain"), "n")) == "ok");
  f.scheduler.run_posted();
  CHECK(f.events.empty());
  CHECK(h.got.empty());

  f.bindings_journal->release_completions();
  f.scheduler.run_posted();
  CHECK(f.events == std::vector<std::string>{"d1", "n"});
  CHECK(h.bodies() == std::vector<std::string>{"first", "plain"});

  // Every record on disk: the next durable send waits for its own journal only.
  f.bindings_journal->hold_completions();
  REQUIRE(session_text(f.send(*s, "fresh", f.message("second", true), "d2")) == "ok");
  f.scheduler.run_posted();
  CHECK(f.events.back() == "d2");
  f.bindings_journal->release_completions();
}

TEST_CASE("session: a durable send fails when the record of its new queue cannot be written") {
  SessionFixture f;
  f.scheduler.run_posted();
  f.bindings_journal->fail_from_now(std::make_error_code(std::errc::io_error));
  f.anycast_queue("fresh");
  auto s = f.session();
  REQUIRE(session_text(f.send(*s, "fresh", f.message("lost", true), "d")) == "ok");
  f.scheduler.run_posted();
  REQUIRE(f.events.size() == 1);
  CHECK(f.events[0] != "d");  // "d:<error>"
  CHECK(f.queue("fresh").message_count() == 0);
}

TEST_CASE("session: a transaction of sends and settlements commits or rolls back as a whole") {
  SessionFixture f;
  auto s = f.session();
  for (const char* b : {"m1", "m2"}) f.send("orders", f.message(b, true));
  RecordingHandler h;
  const auto c = f.consume(*s, h, "orders");
  REQUIRE(h.got.size() == 2);
  Queue& q = f.queue("orders");

  REQUIRE(session_text(s->begin(ss_tx)) == "ok");
  CHECK(s->begin(ss_tx)->code == errc::transaction_exists);
  REQUIRE(session_text(f.send(*s, "orders", f.message("t1", true), "t1", &ss_tx)) == "ok");
  REQUIRE(session_text(f.send(*s, "orders", f.message("t2"), "t2", &ss_tx)) == "ok");
  for (int i = 0; i < 2; ++i)
    REQUIRE(session_text(s->settle(c.id, h.got[i].message->id(), {}, &ss_tx)) == "ok");
  f.scheduler.run_posted();
  // Nothing of it reached the queue yet.
  CHECK(h.got.size() == 2);
  CHECK(q.messages_acknowledged() == 0);
  // A transactional send is confirmed when it joins the transaction.
  CHECK(f.events == std::vector<std::string>{"t1", "t2"});

  SUBCASE("commit") {
    REQUIRE(session_text(s->commit(ss_tx, f.note("commit"))) == "ok");
    CHECK_FALSE(s->in_transaction(ss_tx));
    // Durable work: visible and applied only once the journal wrote it.
    CHECK(h.got.size() == 2);
    CHECK(q.messages_acknowledged() == 0);
    f.scheduler.run_posted();
    CHECK(f.events.back() == "commit");
    CHECK(h.bodies() == std::vector<std::string>{"m1", "m2", "t1", "t2"});
    CHECK(q.messages_acknowledged() == 2);
  }
  SUBCASE("rollback") {
    REQUIRE(session_text(s->rollback(ss_tx)) == "ok");
    f.scheduler.run_posted();
    // The settled ones come back as failed deliveries, in their order; the sends are gone.
    CHECK(h.bodies() == std::vector<std::string>{"m1", "m2", "m1", "m2"});
    CHECK(h.got[2].delivery_count == 1);
    CHECK(h.got[3].delivery_count == 1);
    CHECK(q.messages_acknowledged() == 0);
    CHECK(q.message_count() == 2);
  }
  CHECK(s->rollback(ss_tx)->code == errc::unknown_transaction);
  CHECK(s->commit(ss_tx, f.note("x"))->code == errc::unknown_transaction);
  CHECK(f.send(*s, "orders", f.message("late"), "late", &ss_tx)->code == errc::unknown_transaction);
}

TEST_CASE("session: a failed store leaves no trace and its duplicate id may be sent again") {
  SessionFixture f;
  auto s = f.session();
  RecordingHandler h;
  f.consume(*s, h, "orders");
  auto with_dup_id = [&](const std::string& body) {
    auto m = f.message(body, true);
    m->record.properties.set(props::duplicate_id, "dup-1");
    return m;
  };
  f.messages_journal->fail_from_now(std::make_error_code(std::errc::io_error));
  REQUIRE(session_text(f.send(*s, "orders", with_dup_id("lost"), "lost")) == "ok");
  f.scheduler.run_posted();
  REQUIRE(f.events.size() == 1);
  CHECK(f.events[0] == "lost:" + make_error_code(errc::storage_failed).message());
  CHECK(h.got.empty());
  CHECK(f.queue("orders").message_count() == 0);

  // The disk is back: the client's resend is not a duplicate of what never got stored.
  f.messages_journal->heal();
  REQUIRE(session_text(f.send(*s, "orders", with_dup_id("again"), "again")) == "ok");
  f.scheduler.run_posted();
  CHECK(f.events.back() == "again");
  CHECK(h.bodies() == std::vector<std::string>{"again"});
  // And a second resend now is one.
  REQUIRE(session_text(f.send(*s, "orders", with_dup_id("dup"), "dup")) == "ok");
  f.scheduler.run_posted();
  CHECK(h.bodies() == std::vector<std::string>{"again"});
}

TEST_CASE("session: max-queues refuses the queue past the user's limit, Artemis's AMQ229111") {
  SessionFixture f;
  config::ResourceLimitSetting alice{"alice", -1, 2, 1};
  f.security.limits =
      std::make_unique<security::UserConnections>(std::vector<config::ResourceLimitSetting>{alice});
  auto s = f.session();
  // An auto-created queue counts as the user's, and so does a temporary one.
  auto anycast = [&](const char* address) {
    return s->send(f.message("m"), s->resolve(address, RoutingType::anycast), nullptr,
                   f.note("sent"));
  };
  CHECK(session_text(anycast("fresh")) == "ok");
  REQUIRE(f.po->find_queue("fresh") != nullptr);
  CHECK(f.po->find_queue("fresh")->definition().user == "alice");
  std::string first, second;
  CHECK(session_text(s->create_temporary_queue(first)) == "ok");
  const auto refused = s->create_temporary_queue(second);
  REQUIRE(refused);
  CHECK(refused->text == "AMQ229111: Too many queues created by user 'alice'. Queues allowed: 2.");
  CHECK(session_text(anycast("another")) ==
        "AMQ229111: Too many queues created by user 'alice'. Queues allowed: 2.");
  // Deleting one gives the place back.
  s->delete_temporary_queue(first);
  CHECK(session_text(s->create_temporary_queue(second)) == "ok");
}
