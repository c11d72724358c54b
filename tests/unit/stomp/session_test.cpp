#include <doctest/doctest.h>

#include "core/post_office.hpp"
#include "session_fixture.hpp"

using namespace artemis;
using artemis::testing::StompFixture;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string h(const stomp::Frame& f, const char* name) { return f.header_or(name, "<none>"); }

}  // namespace

TEST_CASE("stomp: CONNECT negotiates the highest version and sends CONNECTED headers") {
  StompFixture fx;
  auto c = fx.connect({{"heart-beat", "0,1000"}, {"request-id", "r1"}});
  fx.scheduler.run_posted();
  // connect() consumed CONNECTED; reconnect to look at it.
  testing::FakeConnection conn(99);
  auto s = fx.module->create_session(conn);
  s->on_bytes("CONNECT\naccept-version:1.0,1.1\nlogin:admin\npasscode:admin\nheart-beat:0,1000\n\n");
  s->on_bytes(std::string("\0", 1));
  auto fs = conn.frames();
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].command == "CONNECTED");
  CHECK(h(fs[0], "version") == "1.1");
  CHECK(h(fs[0], "session") == "99");
  CHECK(h(fs[0], "server") == "ActiveMQ-Artemis/test node");
  CHECK(h(fs[0], "heart-beat") == "1000,0");
  CHECK(h(fs[0], "failover-servers") == "tcp://localhost:61617");
}

TEST_CASE("stomp: bad login, unsupported version and frames before CONNECT close with ERROR") {
  StompFixture fx;
  struct Case {
    const char* name;
    std::string bytes;
    net::CloseReason reason;
  };
  const Case cases[] = {
      {"wrong password", std::string("CONNECT\nlogin:admin\npasscode:nope\n\n\0", 36), net::CloseReason::auth_failed},
      {"unsupported version", std::string("CONNECT\naccept-version:2.0\n\n\0", 29), net::CloseReason::protocol_error},
      {"SEND before CONNECT", std::string("SEND\ndestination:q\n\nx\0", 23), net::CloseReason::protocol_error},
      {"malformed header", std::string("CONNECT\nno-colon-here\n\n\0", 24), net::CloseReason::protocol_error},
  };
  for (const auto& tc : cases) {
    CAPTURE(tc.name);
    testing::FakeConnection conn(7);
    auto s = fx.module->create_session(conn);
    s->on_bytes(tc.bytes);
    auto fs = conn.frames();
    REQUIRE(fs.size() == 1);
    CHECK(fs[0].command == "ERROR");
    CHECK(fs[0].header("message") != nullptr);
    CHECK(conn.closed);
    CHECK(conn.reason == tc.reason);
    s->on_closed(conn.reason);
  }
}

TEST_CASE("stomp: a frame over stompMaxFrameSize gets an ERROR naming the limit, then a close") {
  StompFixture fx;
  testing::FakeConnection conn(7);
  conn.acceptor_.name = "artemis";
  conn.acceptor_.params["stompMaxFrameSize"] = "1K";
  conn.acceptor_.params["stompMinLargeMessageSize"] = "-1";  // no large messages
  auto s = fx.module->create_session(conn);
  s->on_bytes(std::string("CONNECT\nlogin:admin\npasscode:admin\n\n\0", 37));
  REQUIRE(conn.frames().size() == 1);
  s->on_bytes("SEND\ndestination:q\ncontent-length:4096\n\n" + std::string(1000, 'x'));
  auto fs = conn.frames();
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].command == "ERROR");
  CHECK(*fs[0].header("message") == "Frame too large");
  CHECK(fs[0].body.find("at most 1024 bytes") != std::string::npos);
  CHECK(fs[0].body.find("stompMaxFrameSize of acceptor 'artemis'") != std::string::npos);
  // The rest of the frame is dropped, not read as frames, while the client may read the ERROR.
  CHECK_FALSE(conn.closed);
  s->on_bytes(std::string(3096, 'x') + std::string("\0SEND\ndestination:q\n\nx\0", 23));
  CHECK(conn.frames().empty());
  fx.scheduler.advance(1999);
  CHECK_FALSE(conn.closed);
  fx.scheduler.advance(1);
  CHECK(conn.closed);
  CHECK(conn.reason == net::CloseReason::frame_too_large);
  s->on_closed(conn.reason);
}

TEST_CASE("stomp: anycast send and receive, frames split byte by byte") {
  StompFixture fx;
  auto c = fx.connect();
  stomp::Frame send;
  send.command = "SEND";
  send.headers = {{"destination", "orders"}, {"destination-type", "ANYCAST"}, {"receipt", "s1"}, {"color", "red"}};
  send.body = "hello";
  for (char ch : stomp::encode(send, stomp::Version::v1_2)) c.write(std::string(1, ch));
  auto r = c.next();
  REQUIRE(r);
  CHECK(r->command == "RECEIPT");
  CHECK(h(*r, "receipt-id") == "s1");
  c.frame("SUBSCRIBE", {{"destination", "orders"}, {"id", "sub-1"}, {"subscription-type", "ANYCAST"}});
  auto m = c.next();
  REQUIRE(m);
  CHECK(m->command == "MESSAGE");
  CHECK(m->body == "hello");
  CHECK(h(*m, "subscription") == "sub-1");
  CHECK(h(*m, "destination") == "orders");
  CHECK(h(*m, "color") == "red");
  CHECK(h(*m, "persistent") == "false");
  CHECK(h(*m, "redelivered") == "false");
  CHECK(fx.core->post_office().find_queue("orders")->message_count() == 0);  // auto-acked
}

TEST_CASE("stomp: durable send is receipted after the journal and survives a restart") {
  StompFixture fx;
  {
    auto c = fx.connect();
    for (int i = 0; i < 5; ++i)
      c.frame("SEND", {{"destination", "q"}, {"destination-type", "ANYCAST"}, {"persistent", "true"},
                       {"receipt", std::to_string(i)}}, "m" + std::to_string(i));
    for (int i = 0; i < 5; ++i) {
      auto r = c.next();
      REQUIRE(r);
      CHECK(r->command == "RECEIPT");
      CHECK(h(*r, "receipt-id") == std::to_string(i));  // in order
    }
    c.close();
  }
  fx.restart();
  auto c = fx.connect();
  c.frame("SUBSCRIBE", {{"destination", "q"}, {"id", "1"}, {"ack", "client-individual"}});
  std::vector<std::string> bodies;
  for (int i = 0; i < 5; ++i) {
    auto m = c.next();
    REQUIRE(m);
    bodies.push_back(m->body);
    CHECK(h(*m, "persistent") == "true");
    c.frame("ACK", {{"id", h(*m, "ack")}});
  }
  CHECK(bodies == std::vector<std::string>{"m0", "m1", "m2", "m3", "m4"});
  c.close();
  fx.restart();
  // All acknowledged: the empty auto-created queue does not survive the start-up check.
  CHECK(fx.core->post_office().find_queue("q") == nullptr);
}

TEST_CASE("stomp: resent durable message with the same _AMQ_DUPL_ID is receipted but dropped") {
  StompFixture fx;
  auto c = fx.connect();
  for (int round = 0; round < 2; ++round) {
    c.frame("SEND", {{"destination", "q"}, {"destination-type", "ANYCAST"}, {"persistent", "true"},
                     {"_AMQ_DUPL_ID", "producer-1:1"}, {"receipt", "r" + std::to_string(round)}}, "once");
    auto r = c.next();
    REQUIRE(r);
    CHECK(r->command == "RECEIPT");
  }
  c.close();
  fx.restart();  // the cache is persisted
  auto c2 = fx.connect();
  c2.frame("SEND", {{"destination", "q"}, {"persistent", "true"}, {"_AMQ_DUPL_ID", "producer-1:1"}, {"receipt", "r3"}}, "once");
  REQUIRE(c2.next());
  CHECK(fx.core->post_office().find_queue("q")->message_count() == 1);
}

TEST_CASE("stomp: multicast subscriptions get copies; durable subscription keeps messages") {
  StompFixture fx;
  auto c = fx.connect({{"client-id", "c1"}});
  c.frame("SUBSCRIBE", {{"destination", "news"}, {"id", "temp"}, {"receipt", "a"}});
  REQUIRE(c.next()->command == "RECEIPT");
  c.frame("SUBSCRIBE", {{"destination", "news"}, {"id", "dur"}, {"durable-subscription-name", "sub1"}, {"receipt", "b"}});
  REQUIRE(c.next()->command == "RECEIPT");
  REQUIRE(fx.core->post_office().find_queue("c1.sub1"));
  c.frame("SEND", {{"destination", "news"}}, "n1");
  auto m1 = c.next();
  auto m2 = c.next();
  REQUIRE(m1);
  REQUIRE(m2);
  CHECK(m1->body == "n1");
  CHECK(m2->body == "n1");
  c.frame("UNSUBSCRIBE", {{"id", "dur"}});
  c.frame("SEND", {{"destination", "news"}, {"persistent", "true"}, {"receipt", "p"}}, "while-away");
  REQUIRE(c.next());  // MESSAGE on temp
  REQUIRE(c.next());  // RECEIPT
  c.close();
  fx.restart();
  auto c2 = fx.connect({{"client-id", "c1"}});
  c2.frame("SUBSCRIBE", {{"destination", "news"}, {"id", "dur"}, {"durable-subscription-name", "sub1"}});
  auto m = c2.next();
  REQUIRE(m);
  CHECK(m->body == "while-away");
}

TEST_CASE("stomp: client ack is cumulative; unacked messages come back redelivered on close") {
  StompFixture fx;
  auto c = fx.connect();
  for (int i = 0; i < 3; ++i) c.frame("SEND", {{"destination", "q"}, {"destination-type", "ANYCAST"}}, std::to_string(i));
  c.frame("SUBSCRIBE", {{"destination", "q"}, {"id", "1"}, {"ack", "client"}});
  std::vector<stomp::Frame> got;
  for (int i = 0; i < 3; ++i) got.push_back(*c.next());
  c.frame("ACK", {{"id", h(got[1], "ack")}});
  CHECK(fx.core->post_office().find_queue("q")->message_count() == 1);
  c.close();
  auto c2 = fx.connect();
  c2.frame("SUBSCRIBE", {{"destination", "q"}, {"id", "1"}});
  auto m = c2.next();
  REQUIRE(m);
  CHECK(m->body == "2");
  CHECK(h(*m, "redelivered") == "true");
}

TEST_CASE("stomp: NACK returns the message for redelivery") {
  StompFixture fx;
  auto c = fx.connect();
  c.frame("SEND", {{"destination", "q"}, {"destination-type", "ANYCAST"}}, "x");
  c.frame("SUBSCRIBE", {{"destination", "q"}, {"id", "1"}, {"ack", "client-individual"}});
  auto m = c.next();
  REQUIRE(m);
  c.frame("NACK", {{"id", h(*m, "ack")}});
  auto again = c.next();
  REQUIRE(again);
  CHECK(again->body == "x");
  CHECK(h(*again, "redelivered") == "true");
}

TEST_CASE("stomp: transactions hold sends until COMMIT and drop them on ABORT") {
  StompFixture fx;
  auto c = fx.connect();
  c.frame("BEGIN", {{"transaction", "t1"}});
  c.frame("SEND", {{"destination", "q"}, {"destination-type", "ANYCAST"}, {"transaction", "t1"}, {"persistent", "true"}}, "a");
  CHECK(fx.core->post_office().find_queue("q")->message_count() == 0);
  c.frame("COMMIT", {{"transaction", "t1"}, {"receipt", "c"}});
  auto r = c.next();
  REQUIRE(r);
  CHECK(r->command == "RECEIPT");
  CHECK(fx.core->post_office().find_queue("q")->message_count() == 1);
  c.frame("BEGIN", {{"transaction", "t2"}});
  c.frame("SEND", {{"destination", "q"}, {"transaction", "t2"}}, "b");
  c.frame("ABORT", {{"transaction", "t2"}});
  CHECK(fx.core->post_office().find_queue("q")->message_count() == 1);
  c.frame("COMMIT", {{"transaction", "nope"}, {"receipt", "x"}});
  auto e = c.next();
  REQUIRE(e);
  CHECK(e->command == "ERROR");
  CHECK(h(*e, "message") == "No transaction started");
  CHECK(h(*e, "receipt-id") == "x");
  CHECK_FALSE(c.conn->closed);
}

TEST_CASE("stomp: refused permissions give an ERROR naming the permission, connection stays") {
  StompFixture fx;
  fx.security.denied.insert({"admin", security::Permission::send});
  auto c = fx.connect();
  c.frame("SEND", {{"destination", "q"}}, "x");
  auto e = c.next();
  REQUIRE(e);
  CHECK(e->command == "ERROR");
  CHECK(h(*e, "message").find("permission='send'") != std::string::npos);
  CHECK_FALSE(c.conn->closed);
}

TEST_CASE("stomp: selectors filter deliveries with string-to-number conversion") {
  StompFixture fx;
  auto c = fx.connect();
  c.frame("SUBSCRIBE", {{"destination", "q"}, {"id", "1"}, {"subscription-type", "ANYCAST"}, {"selector", "n > 5"}});
  c.frame("SEND", {{"destination", "q"}, {"n", "3"}}, "small");
  c.frame("SEND", {{"destination", "q"}, {"n", "7"}}, "big");
  auto m = c.next();
  REQUIRE(m);
  CHECK(m->body == "big");
}

TEST_CASE("stomp: a congested connection stops dispatch until writable") {
  StompFixture fx;
  auto c = fx.connect();
  c.frame("SUBSCRIBE", {{"destination", "q"}, {"id", "1"}, {"subscription-type", "ANYCAST"}});
  c.conn->pending = 10 * 1024 * 1024;
  c.frame("SEND", {{"destination", "q"}}, "held");
  fx.scheduler.run_posted();
  CHECK(c.frames().empty());
  c.conn->pending = 0;
  c.session->on_writable();
  auto m = c.next();
  REQUIRE(m);
  CHECK(m->body == "held");
}

TEST_CASE("stomp: heart-beat TTL closes a silent connection") {
  StompFixture fx;
  auto c = fx.connect({{"heart-beat", "1000,0"}});
  fx.scheduler.advance(1999);
  CHECK_FALSE(c.conn->closed);
  fx.scheduler.advance(10);
  CHECK(c.conn->closed);
  CHECK(c.conn->reason == net::CloseReason::ttl_expired);
}

TEST_CASE("stomp: cluster credentials announce a backup until the connection closes") {
  StompFixture fx;
  testing::FakeConnection conn(50);
  auto s = fx.module->create_session(conn);
  using namespace std::string_literals;
  s->on_bytes("CONNECT\naccept-version:1.2\nlogin:cluster\npasscode:secret\ncluster-node-id:n1\ncluster-backup-announce:tcp://b:1\n\n\0"s);
  REQUIRE(conn.frames().at(0).command == "CONNECTED");
  CHECK(fx.announced == "n1@tcp://b:1");
  s->on_closed(net::CloseReason::client_closed);
  CHECK(fx.announced.empty());
}

TEST_CASE("stomp: DISCONNECT with receipt answers then closes") {
  StompFixture fx;
  auto c = fx.connect();
  c.frame("DISCONNECT", {{"receipt", "bye"}});
  auto r = c.next();
  REQUIRE(r);
  CHECK(r->command == "RECEIPT");
  CHECK(c.conn->closed);
  CHECK(c.conn->reason == net::CloseReason::session_closed);
}

TEST_CASE("stomp: a browser sees waiting messages without taking them") {
  StompFixture fx;
  auto c = fx.connect();
  c.frame("SEND", {{"destination", "q"}, {"destination-type", "ANYCAST"}}, "one");
  c.frame("SEND", {{"destination", "q"}, {"destination-type", "ANYCAST"}}, "two");
  c.frame("SUBSCRIBE", {{"destination", "q"}, {"id", "b"}, {"browser", "true"}});
  auto m1 = c.next();
  auto m2 = c.next();
  auto end = c.next();
  REQUIRE(m1);
  REQUIRE(m2);
  REQUIRE(end);
  CHECK(m1->body == "one");
  CHECK(m2->body == "two");
  CHECK(h(*end, "browser") == "end");
  c.frame("UNSUBSCRIBE", {{"id", "b"}, {"receipt", "u"}});
  REQUIRE(c.next()->command == "RECEIPT");
  CHECK(fx.core->post_office().find_queue("q")->message_count() == 2);
}
