// Journal throughput benchmark (not a test): on one disk, in one run, prints the raw
// write+fdatasync rate next to journal appends/s of durable records with 1, 16 and 256
// concurrent appenders. An appender appends, waits for its completion, appends again; all
// appenders run on one thread, like the broker's. Each journal phase is preceded by a raw phase
// of the same length (write one record-sized block at the next offset of a preallocated file,
// fdatasync, repeat), and its percentage is of that adjacent raw rate: on a disk whose sync rate
// drifts, a best-of-a-few-tries figure taken once would flatter the raw side.
//   journal_bench <directory> [seconds per phase = 3] [record bytes = 1024]
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <vector>

#include "journal/journal.hpp"
#include "journal/sync_rate.hpp"
#include "util/log.hpp"

namespace fs = std::filesystem;
using namespace artemis;
using Clock = std::chrono::steady_clock;

namespace {

class Loop {
 public:
  journal::Poster poster() {
    return [this](std::function<void()> fn) {
      {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(fn));
      }
      cv_.notify_one();
    };
  }
  void run_until(Clock::time_point deadline, const std::function<bool()>& stop) {
    std::deque<std::function<void()>> batch;
    while (!stop() && Clock::now() < deadline) {
      {
        std::unique_lock lock(mutex_);
        cv_.wait_until(lock, deadline, [&] { return !queue_.empty(); });
        batch.swap(queue_);
      }
      for (auto& fn : batch) fn();
      batch.clear();
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
};

struct Result {
  double records_per_s;
  double records_per_batch;
};

Result run_journal(const fs::path& dir, int appenders, double seconds, std::size_t record) {
  fs::remove_all(dir);
  util::Logger log(stderr, util::Level::warn);
  Loop loop;
  journal::Options o;
  o.directory = dir;
  o.file_size = 10 * 1024 * 1024;
  o.pool_files = -1;
  auto j = journal::make_journal(o, loop.poster(), log);
  journal::LoadResult loaded;
  if (auto ec = j->load(loaded); ec) {
    std::fprintf(stderr, "journal load failed: %s\n", ec.message().c_str());
    std::exit(1);
  }
  std::vector<std::uint8_t> payload(record, 0x5A);
  std::uint64_t next_id = 1, completed = 0, in_flight = 0;
  bool measuring = true;
  std::function<void()> issue = [&] {
    ++in_flight;
    j->append_add(next_id++, 45, payload, journal::Sync::yes, [&](std::error_code ec) {
      if (ec) {
        std::fprintf(stderr, "append failed: %s\n", ec.message().c_str());
        std::exit(1);
      }
      --in_flight;
      ++completed;
      if (measuring) issue();
    });
  };
  // Warm up (first file activation), then measure.
  for (int i = 0; i < appenders; ++i) issue();
  loop.run_until(Clock::now() + std::chrono::milliseconds(300), [] { return false; });
  const auto c0 = completed;
  const auto b0 = j->stats().batches;
  const auto start = Clock::now();
  loop.run_until(start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)),
                 [] { return false; });
  const std::chrono::duration<double> took = Clock::now() - start;
  const auto done = completed - c0;
  const auto batches = j->stats().batches - b0;
  measuring = false;
  loop.run_until(Clock::now() + std::chrono::seconds(30), [&] { return in_flight == 0; });
  j->close();
  fs::remove_all(dir);
  return {done / took.count(), batches ? double(done) / double(batches) : 0};
}

// Sustained raw write+fdatasync rate of `record`-byte writes, for `seconds`.
double sustained_raw(const fs::path& file, double seconds, std::size_t record) {
  constexpr std::size_t kFileSize = 10 * 1024 * 1024;
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    std::perror("raw sync file");
    std::exit(1);
  }
  std::vector<std::uint8_t> zeros(1024 * 1024, 0), block(record, 0x5A);
  for (std::size_t at = 0; at < kFileSize; at += zeros.size()) {
    if (::pwrite(fd, zeros.data(), zeros.size(), static_cast<off_t>(at)) < 0) std::exit(1);
  }
  if (::fdatasync(fd) != 0) std::exit(1);
  std::uint64_t writes = 0;
  std::size_t offset = 0;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (Clock::now() < deadline) {
    if (offset + record > kFileSize) offset = 0;
    if (::pwrite(fd, block.data(), record, static_cast<off_t>(offset)) < 0 || ::fdatasync(fd) != 0) std::exit(1);
    offset += record;
    ++writes;
  }
  const std::chrono::duration<double> took = Clock::now() - start;
  ::close(fd);
  fs::remove(file);
  return static_cast<double>(writes) / took.count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <directory> [seconds per phase] [record bytes]\n", argv[0]);
    return 2;
  }
  const fs::path dir = argv[1];
  const double seconds = argc > 2 ? std::atof(argv[2]) : 3.0;
  const std::size_t record = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 1024;
  fs::create_directories(dir);

  journal::SyncRateOptions so;
  so.file = dir / "raw-sync.tmp";
  so.block_size = static_cast<int>(record);
  so.writes = 500;
  so.tries = 3;
  journal::SyncRate raw;
  if (auto ec = journal::measure_sync_rate(so, raw); ec) {
    std::fprintf(stderr, "raw sync test failed: %s\n", ec.message().c_str());
    return 1;
  }
  const double raw_per_s = raw.writes_per_ms * 1000.0;
  std::printf("directory: %s, record: %zu bytes, %.1f s per phase\n", dir.c_str(), record, seconds);
  std::printf("%-34s %12.0f /s (best of %d x %d writes, as perf-journal)\n", "raw write+fdatasync", raw_per_s,
              so.tries, so.writes);
  for (int appenders : {1, 16, 256}) {
    const double adjacent = sustained_raw(dir / "raw-sustained.tmp", seconds, record);
    const auto r = run_journal(dir / "journal", appenders, seconds, record);
    std::printf("journal, %3d appender%s %12.0f records/s  (%5.1f%% of raw %.0f/s measured just before, "
                "%.1f records per fdatasync)\n",
                appenders, appenders == 1 ? " " : "s", r.records_per_s, 100.0 * r.records_per_s / adjacent, adjacent,
                r.records_per_batch);
    std::fflush(stdout);
  }
  return 0;
}
