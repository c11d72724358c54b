#include "server/cli_lock.hpp"

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

using namespace artemis::server;

TEST_CASE("server: the cli lock is exclusive and released with its holder") {
  artemis::test_support::TempDir tmp;
  const std::filesystem::path dir = tmp.path() / "lock";
  std::string error;
  {
    CliLock first;
    REQUIRE(first.try_acquire(dir, error) == CliLock::Result::acquired);
    CHECK(std::filesystem::exists(dir / "cli.lock"));
    CliLock second;
    CHECK(second.try_acquire(dir, error) == CliLock::Result::held_elsewhere);
    CHECK_FALSE(second.held());
  }
  CliLock again;
  CHECK(again.try_acquire(dir, error) == CliLock::Result::acquired);
}
