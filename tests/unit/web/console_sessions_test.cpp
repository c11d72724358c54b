// The web console's session tokens and the cookie that carries them.
#include "web/console_sessions.hpp"

#include <doctest/doctest.h>

using artemis::web::ConsoleSessions;
using artemis::web::cookie_value;

TEST_CASE("web: a console token gives back its credentials until it idles out or is closed") {
  using namespace std::chrono_literals;
  ConsoleSessions sessions(60s, 2);
  const auto t0 = ConsoleSessions::Clock::time_point{} + 1h;
  const auto a = sessions.open("alice", "pw", t0);
  CHECK(a.size() == 64);
  CHECK(sessions.find(a, t0 + 30s) == std::pair<std::string, std::string>{"alice", "pw"});
  CHECK(sessions.find(a, t0 + 80s));         // used at +30 s: still alive
  CHECK_FALSE(sessions.find(a, t0 + 200s));  // idle for 120 s
  CHECK_FALSE(sessions.find("nope"));
  const auto b = sessions.open("bob", "b", t0);
  const auto c = sessions.open("carol", "c", t0 + 1s);
  const auto d = sessions.open("dave", "d", t0 + 2s);  // over capacity: bob's goes
  CHECK(b != c);
  CHECK_FALSE(sessions.find(b, t0 + 3s));
  CHECK(sessions.find(c, t0 + 3s));
  sessions.close(d);
  CHECK_FALSE(sessions.find(d, t0 + 3s));
  CHECK(sessions.size() == 1);
}

TEST_CASE("web: cookie values by name") {
  CHECK(cookie_value("ARTEMIS_CONSOLE=abc", "ARTEMIS_CONSOLE") == "abc");
  CHECK(cookie_value("a=1; ARTEMIS_CONSOLE=xyz; b=2", "ARTEMIS_CONSOLE") == "xyz");
  CHECK(cookie_value("XARTEMIS_CONSOLE=1", "ARTEMIS_CONSOLE").empty());
  CHECK(cookie_value("", "ARTEMIS_CONSOLE").empty());
  CHECK(cookie_value("ARTEMIS_CONSOLE", "ARTEMIS_CONSOLE").empty());
}
