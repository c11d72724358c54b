// Destinations as the CLI writes them (cli.md §4.3) and the Message <-> STOMP frame mapping.
#include <doctest/doctest.h>

#include "client/destination.hpp"
#include "client/message.hpp"

using namespace artemis;
using namespace artemis::client;

TEST_CASE("client destination: queue, topic, other prefixes and FQQN") {
  const auto q = Destination::parse("queue://TEST");
  CHECK(q.kind == DestinationKind::queue);
  CHECK(q.name == "TEST");
  CHECK(q.routing() == "ANYCAST");
  CHECK(q.to_string() == "ActiveMQQueue[TEST]");
  const auto t = Destination::parse("topic://news");
  CHECK(t.kind == DestinationKind::topic);
  CHECK(t.routing() == "MULTICAST");
  CHECK(t.to_string() == "ActiveMQTopic[news]");
  CHECK(Destination::parse("foo://X").name == "X");
  CHECK(Destination::parse("X").name == "X");
  const auto f = Destination::parse("queue://orders::eu");
  CHECK(f.is_fqqn());
  CHECK(f.name == "orders::eu");
  CHECK(f.routing().empty());
}

TEST_CASE("client message: send frame carries delivery, ttl, group, properties and body type") {
  Message m;
  m.body = "hello";
  m.expiration_ms = 123;
  m.group_id = "g1";
  m.properties["count"] = "7";
  auto f = to_send_frame(m, "TEST", "ANYCAST");
  CHECK(f.command == "SEND");
  CHECK(f.header_or("destination", "") == "TEST");
  CHECK(f.header_or("destination-type", "") == "ANYCAST");
  CHECK(f.header_or("persistent", "") == "true");
  CHECK(f.header_or("expires", "") == "123");
  CHECK(f.header_or("JMSXGroupID", "") == "g1");
  CHECK(f.header_or("count", "") == "7");
  CHECK(f.header("content-length") == nullptr);  // text: no content-length
  m.type = BodyType::bytes;
  m.delivery = Delivery::non_persistent;
  f = to_send_frame(m, "TEST", "");
  CHECK(f.header_or("content-length", "") == "5");
  CHECK(f.header("destination-type") == nullptr);
  CHECK(f.header_or("persistent", "") == "false");
}

TEST_CASE("client message: MESSAGE frame headers become properties, protocol headers do not") {
  stomp::Frame f;
  f.command = "MESSAGE";
  f.add("subscription", "0");
  f.add("message-id", "42");
  f.add("destination", "TEST");
  f.add("persistent", "true");
  f.add("redelivered", "true");
  f.add("count", "3");
  f.add("count", "4");
  f.add("_AMQ_DUPL_ID", "abc");
  f.add("content-length", "2");
  f.body = "hi";
  const auto m = from_message_frame(f);
  CHECK(m.type == BodyType::bytes);
  CHECK(m.message_id == "42");
  CHECK(m.redelivered);
  CHECK(m.delivery == Delivery::persistent);
  CHECK(*m.property("count") == "3");
  CHECK(m.duplicate_id() == "abc");
  CHECK(m.property("subscription") == nullptr);
  CHECK(m.property("content-length") == nullptr);
}
