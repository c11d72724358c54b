// What the core ServerSession changed for STOMP: a durable message is delivered only once the
// journal confirmed it (never before its RECEIPT could go out), and ACK/NACK carrying a
// `transaction` header are part of that transaction.
#include <doctest/doctest.h>

#include "core/post_office.hpp"
#include "session_fixture.hpp"

using namespace artemis;
using artemis::testing::StompFixture;

namespace {

std::string dur_header(const stomp::Frame& f, const char* name) { return f.header_or(name, "<none>"); }

std::size_t dur_count(const std::vector<stomp::Frame>& frames, const char* command) {
  std::size_t n = 0;
  for (const auto& f : frames) n += f.command == command;
  return n;
}

}  // namespace

TEST_CASE("stomp: a durable message reaches a subscriber together with its RECEIPT, not before") {
  StompFixture fx;
  auto consumer = fx.connect();
  consumer.frame("SUBSCRIBE", {{"destination", "orders"}, {"id", "1"}, {"subscription-type", "ANYCAST"},
                               {"receipt", "sub"}});
  auto subscribed = consumer.next();
  REQUIRE(subscribed);
  REQUIRE(subscribed->command == "RECEIPT");

  auto producer = fx.connect();
  producer.frame("SEND", {{"destination", "orders"}, {"destination-type", "ANYCAST"},
                          {"persistent", "true"}, {"receipt", "r1"}}, "durable");
  producer.frame("SEND", {{"destination", "orders"}, {"destination-type", "ANYCAST"}}, "after");
  // The journal completion has not run (it waits in the scheduler): nothing is visible yet, and
  // the non-durable message sent after it does not overtake it.
  CHECK(producer.frames().empty());
  CHECK(consumer.frames().empty());

  std::vector<stomp::Frame> receipt;
  fx.scheduler.run_until([&] {
    for (auto& f : producer.frames()) receipt.push_back(std::move(f));
    return !receipt.empty();
  });
  REQUIRE(receipt.size() == 1);
  CHECK(receipt[0].command == "RECEIPT");
  auto delivered = consumer.frames();
  REQUIRE(delivered.size() == 2);
  CHECK(delivered[0].body == "durable");
  CHECK(delivered[1].body == "after");
}

TEST_CASE("stomp: ACKs in a transaction take effect at COMMIT and come back at ABORT") {
  StompFixture fx;
  auto c = fx.connect();
  for (const char* body : {"a", "b"})
    c.frame("SEND", {{"destination", "q"}, {"destination-type", "ANYCAST"}, {"persistent", "true"},
                     {"receipt", body}}, body);
  REQUIRE(c.next()->command == "RECEIPT");
  REQUIRE(c.next()->command == "RECEIPT");
  c.frame("SUBSCRIBE", {{"destination", "q"}, {"id", "1"}, {"ack", "client-individual"}});
  std::vector<std::string> acks;
  for (int i = 0; i < 2; ++i) {
    auto m = c.next();
    REQUIRE(m);
    CHECK(dur_header(*m, "redelivered") == "false");
    acks.push_back(dur_header(*m, "ack"));
  }
  core::Queue* q = fx.core->post_office().find_queue("q");
  REQUIRE(q);

  c.frame("BEGIN", {{"transaction", "tx1"}});
  for (const auto& id : acks) c.frame("ACK", {{"id", id}, {"transaction", "tx1"}});
  CHECK(q->messages_acknowledged() == 0);  // held by the transaction
  c.frame("ABORT", {{"transaction", "tx1"}, {"receipt", "aborted"}});
  // Both come back, redelivered, before the ABORT's receipt or after it: collect three frames.
  std::vector<stomp::Frame> got;
  for (int i = 0; i < 3; ++i) {
    auto f = c.next();
    REQUIRE(f);
    got.push_back(*f);
  }
  CHECK(dur_count(got, "RECEIPT") == 1);
  REQUIRE(dur_count(got, "MESSAGE") == 2);
  acks.clear();
  for (const auto& f : got)
    if (f.command == "MESSAGE") {
      CHECK(dur_header(f, "redelivered") == "true");
      acks.push_back(dur_header(f, "ack"));
    }
  CHECK(q->message_count() == 2);

  c.frame("BEGIN", {{"transaction", "tx2"}});
  for (const auto& id : acks) c.frame("ACK", {{"id", id}, {"transaction", "tx2"}});
  CHECK(q->messages_acknowledged() == 0);
  c.frame("COMMIT", {{"transaction", "tx2"}, {"receipt", "committed"}});
  auto r = c.next();
  REQUIRE(r);
  CHECK(r->command == "RECEIPT");
  CHECK(dur_header(*r, "receipt-id") == "committed");
  CHECK(q->messages_acknowledged() == 2);
  CHECK(q->message_count() == 0);

  // An ACK naming a transaction that is not open is refused and acknowledges nothing.
  c.frame("SEND", {{"destination", "q"}, {"destination-type", "ANYCAST"}}, "c");
  auto m = c.next();
  REQUIRE(m);
  c.frame("ACK", {{"id", dur_header(*m, "ack")}, {"transaction", "nope"}});
  auto e = c.next();
  REQUIRE(e);
  CHECK(e->command == "ERROR");
  CHECK(q->message_count() == 1);
  c.close();
}

TEST_CASE("stomp: a durable message larger than a journal file is refused, invisible, and the broker goes on") {
  StompFixture fx;  // journal files of 1 MiB
  auto consumer = fx.connect();
  consumer.frame("SUBSCRIBE", {{"destination", "big"}, {"id", "1"}, {"subscription-type", "ANYCAST"},
                               {"receipt", "sub"}});
  REQUIRE(consumer.next()->command == "RECEIPT");
  // Without large messages the body goes into the journal record.
  auto producer = fx.connect({}, {{"stompMinLargeMessageSize", "-1"}});
  producer.frame("SEND", {{"destination", "big"}, {"destination-type", "ANYCAST"}, {"persistent", "true"},
                          {"receipt", "huge"}}, std::string(2 * 1024 * 1024, 'x'));
  producer.frame("SEND", {{"destination", "big"}, {"destination-type", "ANYCAST"}, {"persistent", "true"},
                          {"receipt", "small"}}, "small");
  auto refused = producer.next();
  REQUIRE(refused);
  CHECK(refused->command == "ERROR");
  CHECK(dur_header(*refused, "message") == "Message too large");
  CHECK(dur_header(*refused, "receipt-id") == "huge");
  auto ok = producer.next();
  REQUIRE(ok);
  CHECK(ok->command == "RECEIPT");
  auto delivered = consumer.next();
  REQUIRE(delivered);
  CHECK(delivered->body == "small");
  CHECK(consumer.frames().empty());
}
