// Client sessions against a scripted in-test STOMP server: pipelined durable sends, errors,
// failover with duplicate ids, transactions rolled back by failover, consumers, heart-beats.
#include <doctest/doctest.h>

#include <mutex>
#include <set>
#include <string>

#include "client/connection.hpp"
#include "client/session.hpp"
#include "support/fake_stomp_peer.hpp"
#include "support/wait.hpp"

using namespace artemis;
using namespace artemis::client;
using artemis::test_support::FakeStompPeer;
using artemis::test_support::wait_until;
using namespace std::chrono_literals;

namespace {

ClientUrl url(const std::string& text) {
  auto r = parse_url(text);
  REQUIRE_MESSAGE(r.value.has_value(), r.error);
  return *r.value;
}

std::string local(int port, const std::string& query = "") {
  return "tcp://127.0.0.1:" + std::to_string(port) + query;
}

std::vector<stomp::Frame> only(const std::vector<stomp::Frame>& frames, const std::string& command) {
  std::vector<stomp::Frame> out;
  for (const auto& f : frames)
    if (f.command == command) out.push_back(f);
  return out;
}

Message text(const std::string& body) {
  Message m;
  m.body = body;
  return m;
}

}  // namespace

TEST_CASE("client: durable sends are pipelined, confirmed and carry duplicate ids") {
  FakeStompPeer broker(FakeStompPeer::accepting());
  Connection conn({url(local(broker.port())), "admin", "secret", "", {}});
  {
    auto session = conn.create_session(Transacted::no);
    session->set_send_window(4);
    auto producer = session->create_producer(Destination::parse("queue://TEST"));
    for (int i = 0; i < 10; ++i) {
      auto m = text("m" + std::to_string(i));
      m.properties["count"] = std::to_string(i);
      producer.send(m);
    }
    session->flush();
    session->close();
  }
  const auto frames = broker.frames();
  const auto connect = only(frames, "CONNECT");
  REQUIRE(connect.size() == 1);
  CHECK(connect[0].header_or("login", "") == "admin");
  CHECK(connect[0].header_or("passcode", "") == "secret");
  CHECK(connect[0].header_or("accept-version", "") == "1.2");
  const auto sends = only(frames, "SEND");
  REQUIRE(sends.size() == 10);
  std::set<std::string> ids;
  for (const auto& s : sends) {
    CHECK(s.header_or("destination", "") == "TEST");
    CHECK(s.header_or("destination-type", "") == "ANYCAST");
    CHECK(s.header_or("persistent", "") == "true");
    CHECK(s.header("receipt") != nullptr);
    ids.insert(s.header_or("_AMQ_DUPL_ID", ""));
  }
  CHECK(ids.size() == 10);
  CHECK(sends[3].header_or("count", "") == "3");
  CHECK(sends[3].body == "m3");
  CHECK(only(frames, "DISCONNECT").size() == 1);
}

TEST_CASE("client: non-persistent sends need no receipt and get no duplicate id") {
  FakeStompPeer broker(FakeStompPeer::accepting());
  Connection conn({url(local(broker.port())), "", "", "", {}});
  auto session = conn.create_session(Transacted::no);
  auto producer = session->create_producer(Destination::parse("topic://news"));
  auto m = text("x");
  m.delivery = Delivery::non_persistent;
  producer.send(m);
  session->close();
  const auto sends = only(broker.frames(), "SEND");
  REQUIRE(sends.size() == 1);
  CHECK(sends[0].header("receipt") == nullptr);
  CHECK(sends[0].header("_AMQ_DUPL_ID") == nullptr);
  CHECK(sends[0].header_or("destination-type", "") == "MULTICAST");
  CHECK(sends[0].header_or("persistent", "") == "false");
}

TEST_CASE("client: bad credentials are reported as auth_failed") {
  FakeStompPeer broker([](const stomp::Frame& f, FakeStompPeer::Conn& c) {
    if (f.command != "CONNECT") return;
    stomp::Frame e;
    e.command = "ERROR";
    e.add("message", "Security Error occurred: User name [bob] or password is invalid");
    c.reply(e);
    c.close();
  });
  Connection conn({url(local(broker.port())), "bob", "wrong", "", {}});
  try {
    conn.probe();
    FAIL("probe should have thrown");
  } catch (const ClientError& e) {
    CHECK(e.kind() == ErrorKind::auth_failed);
    CHECK(std::string(e.what()).find("password is invalid") != std::string::npos);
  }
}

TEST_CASE("client: a refused connection names the server tried") {
  int port = 0;
  {
    FakeStompPeer gone(FakeStompPeer::accepting());
    port = gone.port();
  }
  Connection conn({url(local(port)), "", "", "", {}});
  try {
    conn.probe();
    FAIL("probe should have thrown");
  } catch (const ClientError& e) {
    CHECK(e.kind() == ErrorKind::connect_failed);
    const std::string what = e.what();
    CHECK(what.find("AMQ219007") != std::string::npos);
    CHECK(what.find(local(port)) != std::string::npos);
    CHECK(what.find("refused") != std::string::npos);
  }
}

TEST_CASE("client: failover re-sends unconfirmed durable sends with the same duplicate id") {
  FakeStompPeer backup(FakeStompPeer::accepting());
  int sends_seen = 0;
  const std::string advertised = local(backup.port());
  FakeStompPeer live([&](const stomp::Frame& f, FakeStompPeer::Conn& c) {
    if (f.command == "CONNECT")
      c.reply(FakeStompPeer::connected({{"failover-servers", advertised}}));
    // Never confirms a send; dies after the third, like a broker killed mid-stream.
    if (f.command == "SEND" && ++sends_seen == 3) c.close();
  });
  std::vector<std::string> events;
  std::mutex events_mutex;
  Connection conn({url(local(live.port(), "?ha=true&retryInterval=10")), "", "", "",
                   [&](const std::string& e) {
                     std::lock_guard lock(events_mutex);
                     events.push_back(e);
                   }});
  auto session = conn.create_session(Transacted::no);
  auto producer = session->create_producer(Destination::parse("TEST"));
  std::set<std::string> sent_ids;
  for (int i = 0; i < 5; ++i) {
    auto m = text("m" + std::to_string(i));
    producer.send(m);
    sent_ids.insert(m.duplicate_id());
    // The live server sees each send until it dies with the third.
    if (i < 3) REQUIRE(wait_until([&] { return live.received("SEND") >= std::size_t(i) + 1; }));
  }
  session->flush();
  CHECK(session->failovers() == 1);
  session->close();
  std::set<std::string> live_ids;
  for (const auto& f : only(live.frames(), "SEND")) live_ids.insert(f.header_or("_AMQ_DUPL_ID", ""));
  std::set<std::string> backup_ids;
  for (const auto& f : only(backup.frames(), "SEND")) backup_ids.insert(f.header_or("_AMQ_DUPL_ID", ""));
  CHECK(live_ids.size() == 3);
  CHECK(backup_ids == sent_ids);  // nothing was confirmed by the live server, so all are re-sent
  REQUIRE(events.size() == 2);
  CHECK(events[0].find("failing over") != std::string::npos);
  CHECK(events[1] == "Reconnected to " + advertised);
}

TEST_CASE("client: without ha a lost connection is a clear error") {
  FakeStompPeer broker([](const stomp::Frame& f, FakeStompPeer::Conn& c) {
    if (f.command == "CONNECT") c.reply(FakeStompPeer::connected());
    if (f.command == "SEND") c.close();
  });
  Connection conn({url(local(broker.port())), "", "", "", {}});
  auto session = conn.create_session(Transacted::no);
  auto producer = session->create_producer(Destination::parse("TEST"));
  try {
    auto m = text("x");
    producer.send(m);
    session->flush();
    FAIL("flush should have thrown");
  } catch (const ClientError& e) {
    CHECK(e.kind() == ErrorKind::connection_lost);
    CHECK(std::string(e.what()).find("failover is off") != std::string::npos);
  }
}

TEST_CASE("client: a transaction in flight during failover is reported rolled back") {
  FakeStompPeer backup(FakeStompPeer::accepting());
  FakeStompPeer live([](const stomp::Frame& f, FakeStompPeer::Conn& c) {
    if (f.command == "CONNECT") c.reply(FakeStompPeer::connected());
    if (f.command == "COMMIT") c.close();
  });
  Connection conn({url("(" + local(live.port()) + "," + local(backup.port()) + ")?retryInterval=10"),
                   "", "", "", {}});
  auto session = conn.create_session(Transacted::yes);
  auto producer = session->create_producer(Destination::parse("TEST"));
  auto m1 = text("a");
  producer.send(m1);
  try {
    session->commit();
    FAIL("commit should have thrown");
  } catch (const ClientError& e) {
    CHECK(e.kind() == ErrorKind::transaction_rolled_back);
  }
  // The application retries the batch with the same messages (same duplicate ids).
  producer.send(m1);
  session->commit();
  session->close();
  const auto frames = backup.frames();
  const auto sends = only(frames, "SEND");
  REQUIRE(sends.size() == 1);
  CHECK(sends[0].header_or("_AMQ_DUPL_ID", "") == m1.duplicate_id());
  CHECK(!sends[0].header_or("transaction", "").empty());
  CHECK(only(frames, "BEGIN").size() == 1);
  CHECK(only(frames, "COMMIT").size() == 1);
}

TEST_CASE("client: consumers subscribe client-individual, receive and ack") {
  FakeStompPeer broker([](const stomp::Frame& f, FakeStompPeer::Conn& c) {
    if (f.command == "CONNECT") c.reply(FakeStompPeer::connected());
    if (f.command != "SUBSCRIBE") return;
    c.reply(FakeStompPeer::receipt_for(f));
    for (int i = 0; i < 2; ++i) {
      stomp::Frame m;
      m.command = "MESSAGE";
      m.add("subscription", f.header_or("id", ""));
      m.add("message-id", "m" + std::to_string(i));
      m.add("ack", "a" + std::to_string(i));
      m.add("destination", "news");
      m.add("persistent", "true");
      m.add("count", std::to_string(i));
      m.body = "body" + std::to_string(i);
      c.reply(m);
    }
  });
  Connection conn({url(local(broker.port())), "", "", "client1", {}});
  auto session = conn.create_session(Transacted::no);
  ConsumerOptions options;
  options.selector = "count > 0";
  options.durable_name = "sub1";
  auto consumer = session->create_consumer(Destination::parse("topic://news"), options);
  auto first = consumer.receive(2000ms);
  REQUIRE(first.has_value());
  CHECK(first->body == "body0");
  CHECK(*first->property("count") == "0");
  CHECK(first->property("subscription") == nullptr);
  CHECK(first->delivery == Delivery::persistent);
  auto second = consumer.receive(2000ms);
  REQUIRE(second.has_value());
  CHECK(!consumer.receive(50ms).has_value());
  session->close();
  const auto frames = broker.frames();
  CHECK(only(frames, "CONNECT")[0].header_or("client-id", "") == "client1");
  const auto sub = only(frames, "SUBSCRIBE");
  REQUIRE(sub.size() == 1);
  CHECK(sub[0].header_or("ack", "") == "client-individual");
  CHECK(sub[0].header_or("subscription-type", "") == "MULTICAST");
  CHECK(sub[0].header_or("selector", "") == "count > 0");
  CHECK(sub[0].header_or("durable-subscription-name", "") == "sub1");
  const auto acks = only(frames, "ACK");
  REQUIRE(acks.size() == 2);
  CHECK(acks[1].header_or("id", "") == "a1");
  CHECK(only(frames, "UNSUBSCRIBE").empty());  // a durable subscription outlives the session
}

TEST_CASE("client: a durable subscription without a client id is refused locally") {
  FakeStompPeer broker(FakeStompPeer::accepting());
  Connection conn({url(local(broker.port())), "", "", "", {}});
  auto session = conn.create_session(Transacted::no);
  ConsumerOptions options;
  options.durable_name = "sub";
  CHECK_THROWS_AS(session->create_consumer(Destination::parse("topic://t"), options), ClientError);
}

TEST_CASE("client: an idle session sends heart-beats at the negotiated period") {
  FakeStompPeer broker([](const stomp::Frame& f, FakeStompPeer::Conn& c) {
    if (f.command != "CONNECT") return;
    auto connected = FakeStompPeer::connected();
    connected.set("heart-beat", "0,300");
    c.reply(connected);
  });
  Connection conn({url(local(broker.port(), "?connectionTTL=400")), "", "", "", {}});
  auto session = conn.create_session(Transacted::no);
  CHECK(wait_until([&] { return broker.heartbeats() >= 2; }));
  CHECK(only(broker.frames(), "CONNECT")[0].header_or("heart-beat", "") == "500,15000");
}

TEST_CASE("client: held writes wait for the session to read, release or beat") {
  FakeStompPeer broker([](const stomp::Frame& f, FakeStompPeer::Conn& c) {
    if (f.command == "CONNECT") {
      auto connected = FakeStompPeer::connected();
      connected.set("heart-beat", "0,300");
      c.reply(connected);
    } else if (f.header("receipt") != nullptr) {
      c.reply(FakeStompPeer::receipt_for(f));
    }
  });
  Connection conn({url(local(broker.port(), "?connectionTTL=400")), "", "", "", {}});
  auto session = conn.create_session(Transacted::no);
  session->hold_writes(true);
  auto producer = session->create_producer(Destination::parse("queue://TEST"));
  auto quiet = text("q");
  quiet.delivery = Delivery::non_persistent;

  SUBCASE("released by hand") {
    for (int i = 0; i < 3; ++i) producer.send(quiet);
    CHECK(broker.received("SEND") == 0);  // still in the client
    session->release_writes();
    CHECK(wait_until([&] { return broker.received("SEND") == 3; }));
  }
  SUBCASE("written by the heart-beat thread") {
    producer.send(quiet);
    CHECK(wait_until([&] { return broker.received("SEND") == 1; }));
  }
  SUBCASE("written when a durable send waits for its receipt") {
    session->set_send_window(4);
    for (int i = 0; i < 10; ++i) {
      auto m = text("m" + std::to_string(i));
      producer.send(m);
    }
    session->flush();
    CHECK(broker.received("SEND") == 10);
  }
  SUBCASE("released when holding ends") {
    producer.send(quiet);
    session->hold_writes(false);
    CHECK(wait_until([&] { return broker.received("SEND") == 1; }));
  }
  session->close();
}
