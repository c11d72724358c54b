#include "server/log_codes.hpp"

#include <doctest/doctest.h>

#include <set>

#include "core/log_codes.hpp"

using namespace artemis;

TEST_CASE("server: every log code id is declared once") {
  std::set<int> ids;
  for (const auto* code : server::log_codes::all) {
    INFO("AMQ" << code->id);
    CHECK(ids.insert(code->id).second);
    CHECK_FALSE(code->text.empty());
  }
  // Nor may a server id repeat one of the core layer's.
  for (const auto* code : core::log_codes::all) {
    INFO("AMQ" << code->id);
    CHECK(ids.count(code->id) == 0);
  }
}

TEST_CASE("server: log code texts format with their arguments") {
  const auto& c = server::log_codes::acceptor_started;
  CHECK(fmt::format(fmt::runtime(c.text), "EPOLL", "0.0.0.0", 61616, "STOMP") ==
        "Started EPOLL Acceptor at 0.0.0.0:61616 for protocols [STOMP]");
}
