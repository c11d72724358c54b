#include "journal/sync_rate.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include "journal/journal_file.hpp"

namespace artemis::journal {

std::error_code measure_sync_rate(const SyncRateOptions& options, SyncRate& out) {
  if (options.block_size <= 0 || options.writes <= 0 || options.tries <= 0) {
    return std::make_error_code(std::errc::invalid_argument);
  }
  const auto block = static_cast<std::size_t>(options.block_size);
  const auto size = block * static_cast<std::size_t>(options.writes);
  // Pre-allocated and zero-filled like a journal file, so the timed syncs are data-only.
  JournalFile file;
  if (auto ec = JournalFile::create(options.file, size, 0, Sync::yes, file); ec) return ec;
  struct Remove {
    const std::filesystem::path& path;
    ~Remove() {
      std::error_code ignored;
      std::filesystem::remove(path, ignored);
    }
  } remove{options.file};

  std::vector<std::uint8_t> data(block);
  for (std::size_t i = 0; i < block; ++i) data[i] = static_cast<std::uint8_t>('a' + i % 26);
  double best_ms = 0;
  for (int t = 0; t < options.tries; ++t) {
    const auto start = std::chrono::steady_clock::now();
    for (int w = 0; w < options.writes; ++w) {
      iovec iov{data.data(), block};
      if (auto ec = file.write_at(static_cast<std::uint64_t>(w) * block, std::span<const iovec>(&iov, 1));
          ec) {
        return ec;
      }
      if (options.sync) {
        if (auto ec = file.datasync(); ec) return ec;
      }
    }
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    if (t == 0 || took.count() < best_ms) best_ms = took.count();
  }
  best_ms = std::max(best_ms, 1e-6);
  out.fastest_try_ms = best_ms;
  out.writes_per_ms = options.writes / best_ms;
  out.buffer_timeout_ns = static_cast<std::int64_t>(std::floor(1e6 / out.writes_per_ms));
  return {};
}

}  // namespace artemis::journal
