// The acceptor's back-off after resource shortages, and the start-up descriptor limit.
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include <asio/error.hpp>

#include "net/accept_backoff.hpp"
#include "net/descriptor_limit.hpp"
#include "support/log_capture.hpp"

using namespace artemis;
using namespace artemis::net;
using namespace std::chrono_literals;

TEST_CASE("net: accept back-off: which errors pause accepting") {
  for (const int e : {EMFILE, ENFILE, ENOBUFS, ENOMEM})
    CHECK(AcceptBackoff::is_resource_shortage({e, asio::system_category()}));
  CHECK(AcceptBackoff::is_resource_shortage(asio::error::no_descriptors));
  CHECK(AcceptBackoff::is_resource_shortage({EMFILE, std::generic_category()}));
  for (const int e : {ECONNABORTED, EPROTO, EPERM, EINVAL})
    CHECK_FALSE(AcceptBackoff::is_resource_shortage({e, std::system_category()}));
  CHECK_FALSE(AcceptBackoff::is_resource_shortage({}));
}

TEST_CASE("net: accept back-off doubles from 100 ms to 1 s and starts over after a success") {
  AcceptBackoff b;
  auto t = AcceptBackoff::Clock::time_point{} + 1h;
  std::vector<long> pauses;
  for (int i = 0; i < 6; ++i) {
    const auto p = b.on_failure(t);
    pauses.push_back(static_cast<long>(p.pause.count()));
    t += p.pause;
  }
  CHECK(pauses == std::vector<long>{100, 200, 400, 800, 1000, 1000});
  REQUIRE(b.on_success(t).has_value());
  CHECK(b.on_failure(t).pause == 100ms);
}

TEST_CASE("net: accept back-off logs when failures start, every 10 s while they last, and once "
          "on recovery") {
  AcceptBackoff b;
  const auto t0 = AcceptBackoff::Clock::time_point{} + 1h;
  auto t = t0;
  int lines = 0;
  int firsts = 0;
  std::uint64_t last_refused = 0;
  // 25 s of failures, one per pause.
  while (t < t0 + 25s) {
    const auto p = b.on_failure(t);
    if (p.log) ++lines;
    if (p.first) ++firsts;
    last_refused = p.refused;
    t += p.pause;
  }
  CHECK(lines == 3);  // at 0 s, ~10 s, ~20 s
  CHECK(firsts == 1);
  const auto r = b.on_success(t);
  REQUIRE(r.has_value());
  CHECK(r->refused == last_refused);
  CHECK(r->lasted >= 25s);
  CHECK_FALSE(b.on_success(t).has_value());  // one recovery line per report

  // Hovering at the limit right after (fail, succeed, fail, ...) adds no line until 10 s have
  // passed since the last one (at ~20.5 s; this runs from 25.5 s to 29.5 s).
  int more = 0;
  for (int i = 0; i < 40; ++i) {
    t += 100ms;
    if (b.on_failure(t).log) ++more;
    if (b.on_success(t)) ++more;
  }
  CHECK(more == 0);
}

TEST_CASE("net: start-up raises the soft open-file limit to the hard limit") {
  rlimit saved{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &saved) == 0);
  const rlim_t low = std::min<rlim_t>(saved.rlim_max, 256);
  rlimit lowered = saved;
  lowered.rlim_cur = low;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &lowered) == 0);
  test_support::LogCapture log;
  const auto result = raise_descriptor_limit(log.logger());
  rlimit now{};
  getrlimit(RLIMIT_NOFILE, &now);
  setrlimit(RLIMIT_NOFILE, &saved);
  CHECK(result.error.empty());
  CHECK(result.before == low);
  CHECK(result.after == saved.rlim_max);
  CHECK(now.rlim_cur == saved.rlim_max);
  if (low < saved.rlim_max)
    CHECK(log.contains("raised the open-file limit (RLIMIT_NOFILE) from 256"));

  // Already at the hard limit: nothing changes, a debug line says so.
  lowered.rlim_cur = saved.rlim_max;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &lowered) == 0);
  test_support::LogCapture again;
  const auto same = raise_descriptor_limit(again.logger());
  setrlimit(RLIMIT_NOFILE, &saved);
  CHECK(same.before == same.after);
  CHECK(again.contains("DEBUG"));
}
