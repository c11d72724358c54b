#include "server/cli_lock.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace artemis::server;

TEST_CASE("server: the cli lock is exclusive and released with its holder") {
  char tmpl[] = "/tmp/cli_lock_testXXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  const std::filesystem::path dir = std::filesystem::path(tmpl) / "lock";
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
  std::filesystem::remove_all(tmpl);
}
