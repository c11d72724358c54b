#include "net/connection_limits.hpp"

#include <fmt/core.h>

#include "util/strings.hpp"

namespace artemis::net {

LimitsResult limits_from(const config::TransportConfig& acceptor) {
  LimitsResult r;
  auto read = [&](const char* key, auto apply, bool bytes) {
    auto it = acceptor.params.find(key);
    if (it == acceptor.params.end()) return;
    const auto v = bytes ? util::parse_byte_size(it->second) : util::parse_int(it->second);
    if (!v || *v < 0) {
      if (r.error.empty())
        r.error = fmt::format("acceptor '{}': {}='{}' is not a {}", acceptor.name, key,
                              it->second, bytes ? "size in bytes (e.g. 128K)" : "number of seconds");
      return;
    }
    apply(*v);
  };
  read("handshake-timeout", [&](std::int64_t s) { r.limits.handshake_timeout = std::chrono::seconds(s); }, false);
  read("writeBufferHighWaterMark", [&](std::int64_t b) { r.limits.write_high_water = static_cast<std::size_t>(b); }, true);
  read("writeBufferLowWaterMark", [&](std::int64_t b) { r.limits.write_low_water = static_cast<std::size_t>(b); }, true);
  read("maxPendingWriteBytes", [&](std::int64_t b) { r.limits.max_pending_write_bytes = static_cast<std::size_t>(b); }, true);
  if (auto it = acceptor.params.find("connectionsAllowed"); it != acceptor.params.end()) {
    const auto v = util::parse_int(it->second);
    if (v && *v >= -1)
      r.limits.connections_allowed = *v;
    else if (r.error.empty())
      r.error = fmt::format(
          "acceptor '{}': connectionsAllowed='{}' is not -1 (no limit) or a "
          "number of connections",
          acceptor.name, it->second);
  }
  if (r.limits.write_low_water > r.limits.write_high_water)
    r.limits.write_low_water = r.limits.write_high_water;
  if (r.limits.max_pending_write_bytes < r.limits.write_high_water && r.error.empty())
    r.error = fmt::format("acceptor '{}': maxPendingWriteBytes ({}) must not be below "
                          "writeBufferHighWaterMark ({})",
                          acceptor.name, r.limits.max_pending_write_bytes, r.limits.write_high_water);
  return r;
}

}  // namespace artemis::net
