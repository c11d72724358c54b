#pragma once
// Per-acceptor connection limits, read from the acceptor URL's parameters. Every buffer a
// connection owns is bounded by one of these.
#include <chrono>
#include <cstddef>
#include <string>

#include "config/broker_config.hpp"

namespace artemis::net {

struct ConnectionLimits {
  // One socket read at most this many bytes; the read buffer is this size.
  std::size_t read_buffer_bytes = 64 * 1024;
  // Sessions stop dispatching above the high-water mark and resume (on_writable) below the
  // low-water mark: writeBufferHighWaterMark / writeBufferLowWaterMark, as Artemis names them.
  std::size_t write_high_water = 128 * 1024;
  std::size_t write_low_water = 32 * 1024;
  // A peer that does not read while sessions keep queueing: past this, close as slow consumer.
  std::size_t max_pending_write_bytes = 64 * 1024 * 1024;
  // No protocol identified in this time: close (handshake-timeout, seconds; 0 = never).
  std::chrono::milliseconds handshake_timeout{10'000};
  // connectionsAllowed: connections the acceptor holds at once; past it a new one is closed
  // as soon as it is accepted (-1: no limit).
  std::int64_t connections_allowed = -1;
  // A closing connection gets this long to flush what is queued.
  std::chrono::milliseconds close_flush_timeout{5'000};
};

// Reads the limits from the acceptor's URL parameters; an invalid value is reported in `error`
// ("acceptor 'artemis': handshake-timeout='x' is not a number of seconds").
struct LimitsResult {
  ConnectionLimits limits;
  std::string error;
};
LimitsResult limits_from(const config::TransportConfig& acceptor);

}  // namespace artemis::net
