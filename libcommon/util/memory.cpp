#include "util/memory.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "util/strings.hpp"

namespace artemis::util {

namespace {

std::optional<std::uint64_t> cgroup_limit(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_memory_limit(text);
}

}  // namespace

std::optional<std::uint64_t> parse_memory_limit(std::string_view text) {
  const auto value = parse_int(trim(text));  // "max" (v2, no limit) is not a number
  // cgroup v1 writes "no limit" as the largest page-aligned signed 64-bit value.
  if (!value || *value <= 0 || *value >= (std::int64_t{1} << 62)) return std::nullopt;
  return static_cast<std::uint64_t>(*value);
}

std::uint64_t available_memory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  std::uint64_t memory =
      pages > 0 && page_size > 0
          ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size)
          : std::uint64_t{1} << 30;  // unknown: assume 1 GiB
  for (const char* path :
       {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    if (const auto limit = cgroup_limit(path)) memory = std::min(memory, *limit);
  }
  return memory;
}

}  // namespace artemis::util
