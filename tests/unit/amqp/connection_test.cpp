// AmqpConnection driven by a real AMQP client in memory (client_fixture.hpp).
#include <doctest/doctest.h>

#include "client_fixture.hpp"

namespace artemis::testing {

TEST_CASE("a durable transfer is accepted, and visible to a consumer, only once it is stored") {
  Fixture fx;
  pn_link_t* sender = fx.link(true, "s", "orders");
  pn_link_t* receiver = fx.link(false, "r", "orders");
  pn_link_flow(receiver, 10);
  REQUIRE(fx.until([&] { return pn_link_credit(sender) > 0; }));
  CHECK(pn_link_credit(sender) == 1000);  // amqpCredits

  pn_delivery_t* d = fx.send(sender, "first", true, 1);
  fx.pump();  // the transfer reached the broker; its journal completion waits in the scheduler
  CHECK(pn_delivery_remote_state(d) == 0);
  CHECK(Fixture::receive(receiver).empty());

  REQUIRE(fx.until([&] { return pn_delivery_remote_state(d) == PN_ACCEPTED; }));
  CHECK(pn_delivery_settled(d));
  REQUIRE(fx.until([&] { return pn_link_current(receiver) != nullptr; }));
  pn_delivery_t* got = nullptr;
  CHECK(Fixture::receive(receiver, &got) == "first");
  pn_delivery_update(got, PN_ACCEPTED);
  pn_delivery_settle(got);
  fx.pump();
}

TEST_CASE("a released delivery comes back with its count, a modified failed one with count + 1") {
  Fixture fx;
  pn_link_t* sender = fx.link(true, "s", "work");
  pn_delivery_t* d = fx.send(sender, "job", false, 1);
  REQUIRE(fx.until([&] { return pn_delivery_remote_state(d) == PN_ACCEPTED; }));
  pn_link_t* receiver = fx.link(false, "r", "work");
  pn_link_flow(receiver, 5);

  pn_delivery_t* first = nullptr;
  REQUIRE(fx.until([&] { return pn_link_current(receiver) != nullptr; }));
  CHECK(Fixture::receive(receiver, &first) == "job");
  pn_delivery_update(first, PN_RELEASED);
  pn_delivery_settle(first);

  pn_delivery_t* second = nullptr;
  std::string body;
  REQUIRE(fx.until([&] { return !(body = Fixture::receive(receiver, &second)).empty(); }));
  CHECK(body == "job");
  pn_disposition_set_failed(pn_delivery_local(second), true);
  pn_delivery_update(second, PN_MODIFIED);
  pn_delivery_settle(second);

  pn_delivery_t* third = nullptr;
  REQUIRE(fx.until([&] { return !(body = Fixture::receive(receiver, &third)).empty(); }));
  pn_delivery_update(third, PN_ACCEPTED);
  pn_delivery_settle(third);
  fx.pump();
  CHECK(fx.core->post_office().find_queue("work")->message_count() == 0);
}

TEST_CASE("a drain with nothing to send hands the credit back") {
  Fixture fx;
  pn_link_t* receiver = fx.link(false, "r", "empty");
  pn_link_drain(receiver, 7);
  REQUIRE(fx.until([&] { return (pn_link_state(receiver) & PN_REMOTE_ACTIVE) != 0; }));
  REQUIRE(fx.until([&] { return pn_link_credit(receiver) == 0; }));
  CHECK(pn_link_queued(receiver) == 0);
}

TEST_CASE("a wrong password ends the connection before any open") {
  Fixture fx("wrong");
  fx.pump();
  CHECK(pn_sasl_outcome(pn_sasl(fx.client.transport)) == PN_SASL_AUTH);
  CHECK(!(pn_connection_state(fx.client.connection) & PN_REMOTE_ACTIVE));
  CHECK(fx.server_conn.closed);
}

TEST_CASE("a dynamic source is a temporary queue named in the attach, deleted with its link") {
  Fixture f;
  pn_link_t* replies = pn_receiver(f.session, "replies");
  pn_terminus_set_dynamic(pn_link_source(replies), true);
  pn_link_open(replies);
  REQUIRE(f.until([&] { return pn_link_state(replies) & PN_REMOTE_ACTIVE; }));
  const char* named = pn_terminus_get_address(pn_link_remote_source(replies));
  REQUIRE(named != nullptr);
  const std::string queue = named;
  REQUIRE(f.core->post_office().find_queue(queue) != nullptr);

  pn_link_flow(replies, 1);
  pn_link_t* sender = f.link(true, "to-replies", queue.c_str());
  f.send(sender, "answer", false, 1);
  REQUIRE(f.until([&] { return pn_link_current(replies) != nullptr; }));
  CHECK(Fixture::receive(replies) == "answer");

  pn_link_close(replies);
  REQUIRE(f.until([&] { return pn_link_state(replies) & PN_REMOTE_CLOSED; }));
  CHECK(f.core->post_office().find_queue(queue) == nullptr);
  CHECK(f.core->post_office().find_address(queue) == nullptr);
}

}  // namespace artemis::testing
