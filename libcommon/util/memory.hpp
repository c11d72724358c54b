#pragma once
// How much memory this process may use: the machine's physical memory, or less when a cgroup
// (a container, a systemd slice) limits it. Artemis sizes global-max-size from the JVM's
// maximum heap, which the JVM derives the same way.
#include <cstdint>
#include <optional>
#include <string_view>

namespace artemis::util {

std::uint64_t available_memory();

// A cgroup limit file's text ("max", a byte count, v1's "no limit" near 2^63): the limit, or
// nothing when it sets none. Kept apart so the parsing can be tested on any machine.
std::optional<std::uint64_t> parse_memory_limit(std::string_view text);

}  // namespace artemis::util
