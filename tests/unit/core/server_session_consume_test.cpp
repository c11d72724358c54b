// ServerSession without any protocol: settlement outcomes, credit, address-full policies,
// subscriptions and what closing a session gives back.
#include <doctest/doctest.h>

#include "server_session_fixture.hpp"

using namespace artemis;
using namespace artemis::core;
using artemis::testing::RecordingHandler;
using artemis::testing::session_text;
using artemis::testing::SessionFixture;

namespace {

// Every address dead-letters to DLQ; "small" refuses when full, "slow" blocks its producers.
void ss_settings(config::BrokerConfig& c) {
  config::AddressSetting all;
  all.match = "#";
  all.dead_letter_address = "DLQ";
  config::AddressSetting small;
  small.match = "small";
  small.max_size_bytes = 1;
  small.address_full_policy = config::AddressFullPolicy::fail;
  config::AddressSetting slow;
  slow.match = "slow";
  slow.max_size_bytes = 1;
  slow.address_full_policy = config::AddressFullPolicy::block;
  c.address_settings = {all, small, slow};
}

std::uint64_t ss_id(const RecordingHandler& h, std::size_t i) {
  return h.got.at(i).message->id();
}

}  // namespace

TEST_CASE("session: settlement outcomes") {
  SessionFixture f(ss_settings);
  f.anycast_queue("DLQ");
  auto s = f.session();
  RecordingHandler h;
  const auto c = f.consume(*s, h, "orders");
  Queue& q = f.queue("orders");
  REQUIRE(session_text(f.send(*s, "orders", f.message("a"))) == "ok");
  REQUIRE(h.got.size() == 1);

  SUBCASE("accepted") {
    REQUIRE(session_text(s->settle(c.id, ss_id(h, 0), {Outcome::accepted})) == "ok");
    CHECK(q.messages_acknowledged() == 1);
    CHECK(q.message_count() == 0);
    // Settled once only.
    CHECK(s->settle(c.id, ss_id(h, 0), {})->code == errc::unknown_delivery);
  }
  SUBCASE("released: redelivered as if never delivered") {
    REQUIRE(session_text(s->settle(c.id, ss_id(h, 0), {Outcome::released})) == "ok");
    REQUIRE(h.got.size() == 2);
    CHECK(h.got[1].delivery_count == 0);
  }
  SUBCASE("modified, delivery failed: redelivered with its count + 1") {
    REQUIRE(session_text(s->settle(c.id, ss_id(h, 0), {Outcome::modified, true})) == "ok");
    REQUIRE(h.got.size() == 2);
    CHECK(h.got[1].delivery_count == 1);
  }
  SUBCASE("modified, undeliverable here: another consumer gets it") {
    REQUIRE(session_text(s->settle(c.id, ss_id(h, 0), {Outcome::modified, false, true})) == "ok");
    CHECK(h.got.size() == 1);
    CHECK(q.message_count() == 1);
    RecordingHandler other;
    const auto o = f.consume(*s, other, "orders");
    CHECK(other.bodies() == std::vector<std::string>{"a"});
    CHECK(h.got.size() == 1);
    s->close_consumer(o.id);  // before `other` goes
  }
  SUBCASE("rejected: to the dead-letter address") {
    REQUIRE(session_text(s->settle(c.id, ss_id(h, 0), {Outcome::rejected})) == "ok");
    CHECK(q.message_count() == 0);
    CHECK(q.messages_killed() == 1);
    CHECK(f.queue("DLQ").message_count() == 1);
    CHECK(h.got.size() == 1);
  }
  SUBCASE("cumulative: this and every earlier delivery") {
    REQUIRE(session_text(f.send(*s, "orders", f.message("b"))) == "ok");
    REQUIRE(session_text(f.send(*s, "orders", f.message("c"))) == "ok");
    REQUIRE(h.got.size() == 3);
    Settlement how;
    how.cumulative = true;
    REQUIRE(session_text(s->settle(c.id, ss_id(h, 1), how)) == "ok");
    CHECK(q.messages_acknowledged() == 2);
    CHECK(s->consumer(c.id)->delivering_count() == 1);
  }
  CHECK(s->settle(c.id + 100, ss_id(h, 0), {})->code == errc::unknown_consumer);
}

// Released one by one, each would reach the head of the queue before the earlier one behind it.
TEST_CASE("session: a cumulative release keeps the messages' order") {
  SessionFixture f;
  for (const char* b : {"1", "2", "3"}) f.send("orders", f.message(b));
  auto s = f.session();
  RecordingHandler h;
  ConsumerRequest r;
  r.credit_mode = CreditMode::messages;
  r.credit_messages = 3;
  const auto c = f.consume(*s, h, "orders", r);
  REQUIRE(h.got.size() == 3);
  Settlement how{Outcome::released};
  how.cumulative = true;
  REQUIRE(session_text(s->settle(c.id, ss_id(h, 2), how)) == "ok");
  CHECK(h.got.size() == 3);  // no credit left: they wait
  std::vector<std::string> waiting;
  f.queue("orders").for_each_waiting(
      [&](const MessageRef& ref) { waiting.push_back(ref.message->record.body); });
  CHECK(waiting == std::vector<std::string>{"1", "2", "3"});
}

TEST_CASE("session: byte and message credit") {
  SessionFixture f;
  auto s = f.session();
  for (const char* b : {"1", "2", "3"}) f.send("orders", f.message(b));
  RecordingHandler h;
  ConsumerRequest r;
  SUBCASE("bytes, window 0: one at a time, settling gives the credit back") {
    r.window_bytes = 0;
    const auto c = f.consume(*s, h, "orders", r);
    REQUIRE(h.got.size() == 1);
    REQUIRE(session_text(s->settle(c.id, ss_id(h, 0), {})) == "ok");
    CHECK(h.got.size() == 2);
  }
  SUBCASE("messages: what was granted, settling gives none back") {
    r.credit_mode = CreditMode::messages;
    r.credit_messages = 2;
    const auto c = f.consume(*s, h, "orders", r);
    REQUIRE(h.got.size() == 2);
    REQUIRE(session_text(s->settle(c.id, ss_id(h, 0), {})) == "ok");
    REQUIRE(session_text(s->settle(c.id, ss_id(h, 1), {})) == "ok");
    CHECK(h.got.size() == 2);
    s->consumer(c.id)->add_credit(1);
    CHECK(h.bodies() == std::vector<std::string>{"1", "2", "3"});
  }
}

TEST_CASE("session: address-full-policy FAIL refuses a send, BLOCK reports blocked until drained") {
  SessionFixture f(ss_settings);
  f.anycast_queue("small");
  f.anycast_queue("slow");
  auto s = f.session();
  RecordingHandler h;
  ConsumerRequest r;
  r.credit_mode = CreditMode::messages;  // no credit yet: messages stay on the queue

  SUBCASE("FAIL") {
    const auto c = f.consume(*s, h, "small", r);
    REQUIRE(session_text(f.send(*s, "small", f.message("first"))) == "ok");
    auto full = f.send(*s, "small", f.message("second"), "second");
    REQUIRE(full);
    CHECK(full->code == errc::address_full);
    f.scheduler.run_posted();
    CHECK(f.events == std::vector<std::string>{"sent"});  // a refusal completes nothing
    s->consumer(c.id)->add_credit(1);
    REQUIRE(session_text(s->settle(c.id, ss_id(h, 0), {})) == "ok");
    CHECK(session_text(f.send(*s, "small", f.message("third"))) == "ok");
  }
  SUBCASE("BLOCK") {
    const auto c = f.consume(*s, h, "slow", r);
    const Target t = s->resolve("slow");
    CHECK_FALSE(s->producer_blocked(t, [] { FAIL("not blocked yet"); }));
    REQUIRE(session_text(f.send(*s, "slow", f.message("first"))) == "ok");
    int unblocked = 0;
    CHECK(s->producer_blocked(t, [&] { ++unblocked; }));
    // BLOCK does not refuse: the protocol stops reading instead.
    CHECK(session_text(f.send(*s, "slow", f.message("second"))) == "ok");
    CHECK(unblocked == 0);
    s->consumer(c.id)->add_credit(2);
    REQUIRE(session_text(s->settle(c.id, ss_id(h, 0), {})) == "ok");
    CHECK(unblocked == 0);  // still one message over the limit
    REQUIRE(session_text(s->settle(c.id, ss_id(h, 1), {})) == "ok");
    CHECK(unblocked == 1);
    CHECK_FALSE(s->producer_blocked(t, [] { FAIL("not blocked"); }));
  }
}

TEST_CASE("session: a non-durable subscription's temporary queue goes with its consumer") {
  SessionFixture f;
  REQUIRE_FALSE(f.po->create_address("news", RoutingType::multicast, false));
  auto s = f.session();
  RecordingHandler h;
  const auto c = f.consume(*s, h, "news");
  CHECK(c.subscription);
  REQUIRE(f.po->find_queue(c.queue) != nullptr);
  CHECK(f.queue(c.queue).definition().temporary);
  REQUIRE(session_text(f.send(*s, "news", f.message("hello"))) == "ok");
  CHECK(h.bodies() == std::vector<std::string>{"hello"});

  SUBCASE("closing the consumer") {
    s->close_consumer(c.id);
    CHECK(f.po->find_queue(c.queue) == nullptr);
    CHECK(s->consumer(c.id) == nullptr);
  }
  SUBCASE("destroying the session") {
    s.reset();
    CHECK(f.po->find_queue(c.queue) == nullptr);
  }
}

TEST_CASE("session: a durable subscription needs a client id and is named <client-id>.<name>") {
  SessionFixture f;
  REQUIRE_FALSE(f.po->create_address("news", RoutingType::multicast, false));
  auto s = f.session();
  RecordingHandler h;
  ConsumerRequest r;
  r.target = s->resolve("news");
  r.durable_name = "sub";
  ConsumerInfo info;
  auto no_id = s->create_consumer(r, h, info);
  REQUIRE(no_id);
  CHECK(no_id->code == errc::client_id_required);

  s->set_client_id("c1");
  const auto c = f.consume(*s, h, "news", r);
  CHECK(c.queue == "c1.sub");
  CHECK(f.queue("c1.sub").durable());
  CHECK(s->delete_durable_subscription("sub")->code == errc::subscription_in_use);
  s->close_consumer(c.id);
  // It outlives its consumer and keeps collecting.
  REQUIRE(session_text(f.send(*s, "news", f.message("kept"))) == "ok");
  CHECK(f.queue("c1.sub").message_count() == 1);
  CHECK(session_text(s->delete_durable_subscription("sub")) == "ok");
  CHECK(f.po->find_queue("c1.sub") == nullptr);
}

TEST_CASE("session: a shared volatile subscription is shared, and goes with its last consumer") {
  SessionFixture f;
  REQUIRE_FALSE(f.po->create_address("news", RoutingType::multicast, false));
  auto one = f.session(1);
  auto two = f.session(2);
  one->set_client_id("app");
  two->set_client_id("app");
  ConsumerRequest r;
  r.target = one->resolve("news");
  r.shared_volatile_name = "feed";
  RecordingHandler h1, h2;
  const auto c1 = f.consume(*one, h1, "news", r);
  const auto c2 = f.consume(*two, h2, "news", r);
  CHECK(c1.queue == "app.feed:shared-volatile");
  CHECK(c2.queue == c1.queue);
  CHECK(!f.queue(c1.queue).durable());
  for (const char* body : {"a", "b"})
    REQUIRE(session_text(f.send(*one, "news", f.message(body))) == "ok");
  // One queue, two consumers: each message goes to one of them.
  CHECK(h1.got.size() + h2.got.size() == 2);
  one->close_consumer(c1.id);
  CHECK(f.po->find_queue(c1.queue) != nullptr);  // the other consumer still uses it
  two.reset();
  CHECK(f.po->find_queue(c1.queue) == nullptr);
}

TEST_CASE("session: a global subscription is named without the client id") {
  SessionFixture f;
  REQUIRE_FALSE(f.po->create_address("news", RoutingType::multicast, false));
  auto s = f.session();  // no client id needed
  ConsumerRequest r;
  r.target = s->resolve("news");
  r.global = true;
  RecordingHandler h;
  SUBCASE("durable") {
    r.durable_name = "audit";
    const auto c = f.consume(*s, h, "news", r);
    CHECK(c.queue == "audit");
    CHECK(f.queue("audit").durable());
    s->close_consumer(c.id);
    CHECK(session_text(s->delete_durable_subscription("audit", true)) == "ok");
    CHECK(f.po->find_queue("audit") == nullptr);
  }
  SUBCASE("volatile") {
    r.shared_volatile_name = "audit";
    const auto c = f.consume(*s, h, "news", r);
    CHECK(c.queue == "audit:shared-volatile:global");
  }
}

TEST_CASE("session: no-local skips messages sent on the same connection") {
  SessionFixture f;
  REQUIRE_FALSE(f.po->create_address("news", RoutingType::multicast, false));
  auto mine = f.session(7);
  auto theirs = f.session(8);
  RecordingHandler sub, anycast;
  ConsumerRequest r;
  r.no_local = true;
  f.consume(*mine, sub, "news", r);        // on a subscription queue: part of its filter
  f.consume(*mine, anycast, "orders", r);  // on a shared queue: a consumer option
  for (auto* s : {mine.get(), theirs.get()}) {
    const std::string tag = s == mine.get() ? "mine" : "theirs";
    REQUIRE(session_text(f.send(*s, "news", f.message(tag))) == "ok");
    REQUIRE(session_text(f.send(*s, "orders", f.message(tag))) == "ok");
  }
  CHECK(sub.bodies() == std::vector<std::string>{"theirs"});
  CHECK(anycast.bodies() == std::vector<std::string>{"theirs"});
  CHECK(f.queue("orders").message_count() == 2);  // "mine" waits for another consumer
}

TEST_CASE("session: destroying a session returns unsettled deliveries and rolls back") {
  SessionFixture f;
  for (const char* b : {"m1", "m2", "m3"}) f.send("orders", f.message(b));
  auto s = f.session();
  RecordingHandler h;
  const auto c = f.consume(*s, h, "orders");
  REQUIRE(h.got.size() == 3);
  const std::string tx = "open";
  REQUIRE(session_text(s->begin(tx)) == "ok");
  REQUIRE(session_text(s->settle(c.id, ss_id(h, 0), {}, &tx)) == "ok");
  REQUIRE(session_text(f.send(*s, "orders", f.message("never"), "never", &tx)) == "ok");
  s.reset();
  f.scheduler.run_posted();

  Queue& q = f.queue("orders");
  CHECK(q.messages_acknowledged() == 0);
  auto other = f.session(2);
  RecordingHandler next;
  f.consume(*other, next, "orders");
  CHECK(next.bodies() == std::vector<std::string>{"m1", "m2", "m3"});
  for (const auto& ref : next.got) CHECK(ref.delivery_count == 1);
}

// Closing one consumer returns its deliveries; they must not go to a sibling that closes next
// (that would count a second failed delivery and write to a closing protocol).
TEST_CASE("session: closing a session does not hand one consumer's messages to its sibling") {
  SessionFixture f;
  auto s = f.session();
  RecordingHandler a, b;
  f.consume(*s, a, "orders");
  f.consume(*s, b, "orders");
  REQUIRE(session_text(f.send(*s, "orders", f.message("m"))) == "ok");
  REQUIRE(a.got.size() + b.got.size() == 1);
  s.reset();
  CHECK(a.got.size() + b.got.size() == 1);
  auto other = f.session(2);
  RecordingHandler next;
  f.consume(*other, next, "orders");
  REQUIRE(next.got.size() == 1);
  CHECK(next.got[0].delivery_count == 1);
}

TEST_CASE("session: browse sees waiting messages that match, and leaves them") {
  SessionFixture f;
  auto s = f.session();
  auto red = f.message("red");
  red->record.properties.set("color", "red");
  f.send("orders", red);
  f.send("orders", f.message("plain"));
  std::vector<std::string> seen;
  REQUIRE(session_text(s->browse(s->resolve("orders"), "color = 'red'", [&](const MessageRef& r) {
            seen.push_back(r.message->record.body);
          })) == "ok");
  CHECK(seen == std::vector<std::string>{"red"});
  CHECK(f.queue("orders").message_count() == 2);
  CHECK(s->browse(s->resolve("nowhere"), "", [](const MessageRef&) {})->code ==
        errc::queue_not_found);
}

TEST_CASE("session: a temporary queue is an anycast queue of its own name, gone with the session") {
  SessionFixture f;
  std::string name;
  {
    auto s = f.session();
    REQUIRE(session_text(s->create_temporary_queue(name)) == "ok");
    const Queue* q = f.po->find_queue(name);
    REQUIRE(q != nullptr);
    CHECK(q->address() == name);
    REQUIRE(f.po->find_address(name) != nullptr);
    CHECK(f.po->find_address(name)->anycast);

    // Deleting it by name takes the queue and the address; a second one lives until the end.
    s->delete_temporary_queue(name);
    CHECK(f.po->find_queue(name) == nullptr);
    CHECK(f.po->find_address(name) == nullptr);
    REQUIRE(session_text(s->create_temporary_queue(name)) == "ok");
  }
  CHECK(f.po->find_queue(name) == nullptr);
  CHECK(f.po->find_address(name) == nullptr);
}

TEST_CASE("session: a temporary queue needs createAddress and createNonDurableQueue") {
  for (const auto p :
       {security::Permission::create_address, security::Permission::create_non_durable_queue}) {
    SessionFixture f;
    f.security.denied.insert(p);
    auto s = f.session();
    std::string name;
    const auto refused = s->create_temporary_queue(name);
    REQUIRE(refused);
    CHECK(refused->code == errc::unauthorized);
    CHECK(f.po->find_address(name) == nullptr);
  }
}
