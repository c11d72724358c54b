#pragma once
// The disk benchmark behind `artemis create`'s journal auto-tune and `artemis perf-journal`:
// `tries` runs of `writes` block-sized writes to a pre-allocated file, each followed by a
// fdatasync when sync is on; the fastest run gives writes per millisecond and the suggested
// journal-buffer-timeout (nanoseconds per write).
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>

namespace artemis::journal {

struct SyncRateOptions {
  std::filesystem::path file;  // created, used, removed
  int block_size = 4096;
  int writes = 250;
  int tries = 5;
  bool sync = true;
};

struct SyncRate {
  double writes_per_ms = 0;           // 250 / fastest try in ms
  std::int64_t buffer_timeout_ns = 0;  // floor(1e6 / writes_per_ms)
  double fastest_try_ms = 0;
};

std::error_code measure_sync_rate(const SyncRateOptions& options, SyncRate& out);

}  // namespace artemis::journal
