// STOMP routing-type headers: only ANYCAST and MULTICAST are routing types; anything else is
// refused with an ERROR naming the value, and the connection is closed.
#include <doctest/doctest.h>

#include "core/post_office.hpp"
#include "session_fixture.hpp"

using namespace artemis;
using artemis::testing::StompFixture;

TEST_CASE("stomp: an unknown destination-type or subscription-type is refused by name") {
  struct Case {
    const char* command;
    const char* header;
  };
  for (const Case& k : {Case{"SEND", "destination-type"}, Case{"SUBSCRIBE", "subscription-type"}}) {
    CAPTURE(k.command);
    StompFixture fx;
    auto c = fx.connect();
    c.frame(k.command,
            {{"destination", "rt"}, {"id", "1"}, {k.header, "SIDEWAYS"}, {"receipt", "r"}}, "x");
    auto e = c.next();
    REQUIRE(e);
    CHECK(e->command == "ERROR");
    CHECK(e->header_or("message", "").find("SIDEWAYS") != std::string::npos);
    CHECK(e->header_or("receipt-id", "") == "r");
    CHECK(c.conn->closed);
    CHECK(fx.core->post_office().find_address("rt") == nullptr);  // nothing was created
  }
}

TEST_CASE("stomp: routing-type headers ANYCAST and MULTICAST are accepted") {
  StompFixture fx;
  auto c = fx.connect();
  c.frame("SUBSCRIBE", {{"destination", "t"}, {"id", "1"}, {"subscription-type", "MULTICAST"}});
  c.frame("SEND", {{"destination", "q"}, {"destination-type", "ANYCAST"}, {"receipt", "r"}}, "x");
  auto r = c.next();
  REQUIRE(r);
  CHECK(r->command == "RECEIPT");
  CHECK_FALSE(c.conn->closed);
}
