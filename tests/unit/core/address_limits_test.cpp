// Address and global memory limits (reference §5.9) through a ServerSession: what each
// address-full-policy does when max-size-messages, max-size-bytes, global-max-size or
// global-max-messages is reached, and that the weights return to zero once consumed.
#include <doctest/doctest.h>
#include <fmt/core.h>

#include "server_session_fixture.hpp"

using namespace artemis;
using namespace artemis::core;
using artemis::testing::RecordingHandler;
using artemis::testing::session_text;
using artemis::testing::SessionFixture;

namespace {

config::AddressSetting limited(std::string match, config::AddressFullPolicy policy) {
  config::AddressSetting s;
  s.match = std::move(match);
  s.max_size_messages = 2;
  s.address_full_policy = policy;
  return s;
}

// "dropping" drops and "failing" refuses past two messages; every other address pages (the
// default policy; paging_test.cpp).
void limits_settings(config::BrokerConfig& c) {
  c.address_settings = {limited("dropping", config::AddressFullPolicy::drop),
                        limited("failing", config::AddressFullPolicy::fail)};
}

ConsumerRequest no_credit() {
  ConsumerRequest r;
  r.credit_mode = CreditMode::messages;  // messages stay on the queue until credit is given
  return r;
}

// Takes one message from the consumer's queue and acknowledges it.
void consume_one(ServerSession& s, const ConsumerInfo& c, RecordingHandler& h) {
  s.consumer(c.id)->add_credit(1);
  REQUIRE_FALSE(h.got.empty());
  REQUIRE(session_text(s.settle(c.id, h.got.back().message->id(), {})) == "ok");
}

}  // namespace

TEST_CASE("limits: DROP takes the message and keeps nothing, counted, until there is room") {
  SessionFixture f(limits_settings);
  f.anycast_queue("dropping");
  auto s = f.session();
  RecordingHandler h;
  const auto c = f.consume(*s, h, "dropping", no_credit());
  for (const char* body : {"a", "b", "c", "d"})
    REQUIRE(session_text(f.send(*s, "dropping", f.message(body))) == "ok");
  f.scheduler.run_posted();
  CHECK(f.events.size() == 4);  // every send completes: the producer cannot tell
  CHECK(f.queue("dropping").message_count() == 2);
  CHECK(f.po->find_address("dropping")->dropped_messages == 2);
  consume_one(*s, c, h);
  CHECK(h.got.back().message->record.body == "a");
  REQUIRE(session_text(f.send(*s, "dropping", f.message("e"))) == "ok");
  CHECK(f.queue("dropping").message_count() == 2);
  CHECK(f.po->find_address("dropping")->dropped_messages == 2);
}

TEST_CASE("limits: FAIL names the address and its limits") {
  SessionFixture f(limits_settings);
  f.anycast_queue("failing");
  auto s = f.session();
  REQUIRE(session_text(f.send(*s, "failing", f.message("a"))) == "ok");
  REQUIRE(session_text(f.send(*s, "failing", f.message("b"))) == "ok");
  const auto refused = f.send(*s, "failing", f.message("c"));
  REQUIRE(refused);
  CHECK(refused->code == errc::address_full);
  CHECK(refused->detail.find("AMQ229102: Address \"failing\" is full.") == 0);
  CHECK(refused->detail.find("maxSize=-1 bytes (2 messages)") != std::string::npos);
  CHECK(f.queue("failing").message_count() == 2);
}

TEST_CASE("limits: global-max-messages holds back producers of every BLOCK address") {
  SessionFixture f([](config::BrokerConfig& c) {
    c.global_max_messages = 3;
    config::AddressSetting block;
    block.match = "#";
    block.address_full_policy = config::AddressFullPolicy::block;
    c.address_settings = {block};
  });
  f.anycast_queue("other");
  auto s = f.session();
  RecordingHandler h;
  const auto c = f.consume(*s, h, "orders", no_credit());
  const Target other = s->resolve("other");
  for (const char* body : {"a", "b", "c"}) {
    CHECK_FALSE(s->producer_blocked(s->resolve("orders"), [] { FAIL("not blocked yet"); }));
    REQUIRE(session_text(f.send(*s, "orders", f.message(body))) == "ok");
  }
  CHECK(f.po->global_size_messages() == 3);
  int resumed = 0;
  CHECK(s->producer_blocked(other, [&] { ++resumed; }));  // nothing of its own, yet blocked
  consume_one(*s, c, h);
  CHECK(resumed == 1);
  CHECK_FALSE(s->producer_blocked(other, [] { FAIL("room again"); }));
}

TEST_CASE("limits: global-max-size refuses a FAIL address, and the weights return to zero") {
  SessionFixture f(limits_settings);
  f.anycast_queue("failing");
  auto s = f.session();
  RecordingHandler h;
  const auto c = f.consume(*s, h, "failing", no_credit());
  REQUIRE(session_text(f.send(*s, "failing", f.message("a"))) == "ok");
  const auto one = f.po->global_size_bytes();
  CHECK(one > 0);
  f.po->set_global_max_size(one);
  const auto refused = f.send(*s, "failing", f.message("b"));
  REQUIRE(refused);
  CHECK(refused->detail.find(fmt::format("globalMaxSize={} bytes", one)) != std::string::npos);
  consume_one(*s, c, h);
  CHECK(f.po->global_size_bytes() == 0);
  CHECK(f.po->global_size_messages() == 0);
  CHECK(f.po->find_address("failing")->size_bytes == 0);
  CHECK(session_text(f.send(*s, "failing", f.message("c"))) == "ok");
}

TEST_CASE("limits: a message weighs once however many queues hold it") {
  SessionFixture f;
  REQUIRE_FALSE(f.po->create_address("news", RoutingType::multicast, false));
  for (const char* name : {"news.a", "news.b", "news.c"}) {
    QueueDefinition d;
    d.name = name;
    d.address = "news";
    d.routing_type = RoutingType::multicast;
    REQUIRE_FALSE(f.po->create_queue(d));
  }
  auto s = f.session();
  REQUIRE(session_text(f.send(*s, "news", f.message("headline"))) == "ok");
  const auto weight = f.po->global_size_bytes();
  CHECK(weight > 0);
  CHECK(f.po->global_size_messages() == 1);
  CHECK(f.po->find_address("news")->size_messages == 1);
  RecordingHandler h;
  for (const char* name : {"news.a", "news.b", "news.c"}) {
    CHECK(f.po->global_size_bytes() == weight);  // still held by a queue
    const auto c = f.consume(*s, h, std::string("news::") + name);
    REQUIRE(session_text(s->settle(c.id, h.got.back().message->id(), {})) == "ok");
  }
  CHECK(f.po->global_size_bytes() == 0);
  CHECK(f.po->global_size_messages() == 0);
  CHECK(f.po->find_address("news")->size_bytes == 0);
}
