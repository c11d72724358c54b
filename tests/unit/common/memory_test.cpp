#include "util/memory.hpp"

#include <doctest/doctest.h>

using artemis::util::available_memory;
using artemis::util::parse_memory_limit;

TEST_CASE("memory: cgroup limit files") {
  CHECK(parse_memory_limit("536870912\n") == 536870912u);
  CHECK_FALSE(parse_memory_limit("max\n"));                  // cgroup v2: no limit
  CHECK_FALSE(parse_memory_limit("9223372036854771712\n"));  // cgroup v1: no limit
  CHECK_FALSE(parse_memory_limit(""));
  CHECK_FALSE(parse_memory_limit("0"));
  CHECK_FALSE(parse_memory_limit("-1"));
}

TEST_CASE("memory: what this process may use is known and plausible") {
  const auto bytes = available_memory();
  CHECK(bytes >= 16u * 1024 * 1024);
  CHECK(bytes < (std::uint64_t{1} << 50));
}
