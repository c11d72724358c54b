#include "journal/sync_rate.hpp"

#include <doctest/doctest.h>

#include "journal_test_util.hpp"

using namespace artemis::journal;

TEST_CASE("journal: sync rate measurement reports a consistent rate and removes its file") {
  test::TempDir dir;
  SyncRateOptions o;
  o.file = dir.path() / "test.tmp";
  o.writes = 20;
  o.tries = 2;
  o.sync = false;
  SyncRate rate;
  REQUIRE_FALSE(measure_sync_rate(o, rate));
  CHECK(rate.writes_per_ms > 0);
  CHECK(rate.fastest_try_ms > 0);
  CHECK(rate.writes_per_ms == doctest::Approx(20 / rate.fastest_try_ms));
  CHECK(rate.buffer_timeout_ns == static_cast<std::int64_t>(1e6 / rate.writes_per_ms));
  CHECK_FALSE(std::filesystem::exists(o.file));
  o.block_size = 0;
  CHECK(measure_sync_rate(o, rate));
}
