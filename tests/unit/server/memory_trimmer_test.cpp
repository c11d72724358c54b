// MemoryTrimmer on a hand-driven scheduler: it trims at start, then only once the bytes in
// memory have fallen far enough from the most seen since the last trim.
#include "server/memory_trimmer.hpp"

#include <doctest/doctest.h>

#include "support/manual_scheduler.hpp"

using namespace artemis;
using namespace std::chrono_literals;

TEST_CASE("memory trimmer: trims after a drain, not while the backlog grows or holds") {
  test_support::ManualScheduler scheduler;
  std::int64_t in_use = 0;
  int trims = 0;
  server::MemoryTrimmer trimmer(
      {1000ms, 320}, scheduler, [&] { return in_use; }, [&] { ++trims; });
  trimmer.start();
  CHECK(trims == 1);  // what loading the store used
  in_use = 1000;
  scheduler.advance(1000);
  in_use = 700;  // 300 below the high mark: not worth it
  scheduler.advance(1000);
  CHECK(trims == 1);
  in_use = 600;  // 400 below
  scheduler.advance(1000);
  CHECK(trims == 2);
  in_use = 350;  // 250 below the new mark (600), less than half of it
  scheduler.advance(1000);
  CHECK(trims == 2);
  in_use = 290;  // more than half of 600 gone: the end of a drain goes back too
  scheduler.advance(1000);
  CHECK(trims == 3);
  in_use = 0;
  scheduler.advance(1000);
  CHECK(trims == 4);
  in_use = 8;
  scheduler.advance(1000);
  in_use = 0;  // all of it gone, but less than min_release / 2 (160): not worth a walk
  scheduler.advance(1000);
  CHECK(trims == 4);
  trimmer.stop();
  in_use = 1000;
  scheduler.advance(1000);
  in_use = 0;
  scheduler.advance(1000);
  CHECK(trims == 4);  // stopped: no more checks
}

TEST_CASE("memory trimmer: trims once after each journal compaction") {
  test_support::ManualScheduler scheduler;
  std::int64_t compactions = 0;
  int trims = 0;
  server::MemoryTrimmer trimmer(
      {1000ms, 320}, scheduler, [] { return std::int64_t{500}; }, [&] { ++trims; },
      [&] { return compactions; });
  trimmer.start();
  CHECK(trims == 1);
  scheduler.advance(1000);
  CHECK(trims == 1);
  compactions = 1;
  scheduler.advance(1000);
  CHECK(trims == 2);
  scheduler.advance(1000);
  CHECK(trims == 2);
}
