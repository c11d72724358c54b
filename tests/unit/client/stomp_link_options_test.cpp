// StompLink options for non-session users of a link: extra CONNECT headers, beating more often
// than negotiated, and hold() ending on an ERROR frame or a lost link.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "client/stomp_link.hpp"
#include "support/fake_stomp_peer.hpp"
#include "support/wait.hpp"

using namespace artemis;
using namespace artemis::client;
using artemis::test_support::FakeStompPeer;
using namespace std::chrono_literals;

namespace {

Server local(const FakeStompPeer& peer) { return Server{"127.0.0.1", peer.port()}; }

}  // namespace

TEST_CASE("client: extra CONNECT headers follow the standard ones") {
  FakeStompPeer peer(FakeStompPeer::accepting());
  LinkOptions options;
  options.user = "admin";
  options.password = "secret";
  options.heartbeat_send = 1000ms;
  options.heartbeat_receive = 1000ms;
  options.connect_headers = {{"x-node", "n1"}, {"x-url", "tcp://localhost:61617"}, {"login", "x"}};
  auto link = StompLink::open(local(peer), options);
  link->close(2000ms);
  const auto frames = peer.frames();
  REQUIRE(!frames.empty());
  const auto& connect = frames[0];
  CHECK(connect.command == "CONNECT");
  CHECK(connect.header_or("x-node", "") == "n1");
  CHECK(connect.header_or("x-url", "") == "tcp://localhost:61617");
  CHECK(connect.header_or("login", "") == "admin");  // a standard header cannot be overridden
  CHECK(connect.header_or("passcode", "") == "secret");
  CHECK(connect.header_or("heart-beat", "") == "1000,1000");
}

TEST_CASE("client: heartbeats_per_period beats that much more often than negotiated") {
  FakeStompPeer peer(FakeStompPeer::accepting({{"heart-beat", "0,200"}}));
  LinkOptions options;
  options.heartbeat_send = 200ms;
  options.heartbeat_receive = 0ms;
  options.heartbeats_per_period = 2;
  auto link = StompLink::open(local(peer), options);
  CHECK(link->beat_interval() == 100ms);  // the negotiated 200 ms, twice per period
  CHECK(test_support::wait_until([&] { return peer.heartbeats() >= 3; }, 10s));
  CHECK(peer.frames()[0].header_or("heart-beat", "") == "200,0");  // the offer is unchanged
}

TEST_CASE("client: hold() reports an ERROR frame as a broker error") {
  FakeStompPeer peer([](const stomp::Frame& f, FakeStompPeer::Conn& c) {
    if (f.command != "CONNECT") return;
    c.reply(FakeStompPeer::connected());
    c.reply(FakeStompPeer::error("go away"));
  });
  auto link = StompLink::open(local(peer), LinkOptions{});
  try {
    link->hold();
    FAIL("hold() returned");
  } catch (const LinkLost&) {
    FAIL("an ERROR frame is not a lost link");
  } catch (const ClientError& e) {
    CHECK(e.kind() == ErrorKind::broker_error);
    CHECK(std::string(e.what()).find("go away") != std::string::npos);
  }
}

TEST_CASE("client: hold() throws LinkLost when the server closes the link") {
  FakeStompPeer peer([](const stomp::Frame& f, FakeStompPeer::Conn& c) {
    if (f.command != "CONNECT") return;
    c.reply(FakeStompPeer::connected());
    c.close();
  });
  auto link = StompLink::open(local(peer), LinkOptions{});
  CHECK_THROWS_AS(link->hold(), LinkLost);
}
