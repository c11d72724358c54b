// Failed-login back-off: five failures are free, then each one pauses the host's logins for a
// doubling time (1 s … 60 s); a success or ten idle minutes clear it; hosts are apart.
#include "security/login_throttle.hpp"

#include <doctest/doctest.h>

#include "support/log_capture.hpp"

using namespace artemis;
using security::LoginThrottle;

TEST_CASE("login throttle: the sixth failure in a row pauses the host, doubling up to a minute") {
  test_support::LogCapture log;
  LoginThrottle t(log.logger());
  std::int64_t now = 1'000'000;
  for (int i = 0; i < LoginThrottle::kFreeFailures; ++i) CHECK(t.failed("10.0.0.1", now) == 0);
  CHECK_FALSE(t.wait_ms("10.0.0.1", now));
  CHECK(t.failed("10.0.0.1", now) == 1000);
  CHECK(t.wait_ms("10.0.0.1", now + 400) == 600);
  CHECK_FALSE(t.wait_ms("10.0.0.2", now));  // another host is not held back
  CHECK(log.contains("6 failed logins in a row from 10.0.0.1: its logins are refused for 1000 ms"));
  now += 1000;
  CHECK_FALSE(t.wait_ms("10.0.0.1", now));
  CHECK(t.failed("10.0.0.1", now) == 2000);
  for (int i = 0; i < 10; ++i) t.failed("10.0.0.1", now);
  CHECK(t.failed("10.0.0.1", now) == LoginThrottle::kMaxPauseMs);
  t.succeeded("10.0.0.1");
  CHECK_FALSE(t.wait_ms("10.0.0.1", now));
  CHECK(t.failed("10.0.0.1", now) == 0);  // the count starts again
}

TEST_CASE("login throttle: a host idle for ten minutes is forgotten") {
  test_support::LogCapture log;
  LoginThrottle t(log.logger());
  for (int i = 0; i < LoginThrottle::kFreeFailures; ++i) t.failed("h", 0);
  t.wait_ms("other", 11 * 60'000);  // a later look sweeps idle hosts
  CHECK(t.failed("h", 11 * 60'000) == 0);
}
