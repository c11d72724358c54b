#pragma once
// MemoryTrimmer: gives memory back to the system after a backlog has drained. The allocator
// keeps what the broker freed for reuse, so a broker that once held 500 MB of messages would
// keep that much resident for good. Every period it compares the bytes of messages held in
// memory (core::PostOffice's global size) with the most seen since the last trim; when they
// have fallen by `min_release`, or by half of a smaller high mark (at least min_release / 2),
// it asks the allocator to return its free pages (malloc_trim). Once at start as well, for
// what loading the journal used, and after each journal compaction (`compactions` counts them):
// the compactor's copy of the live records is freed in its own allocator arena, which no drop of
// message bytes would ever trim.
//
// Built per activation by the Broker; broker thread only. Both functions are injectable so
// tests drive it on a ManualScheduler.
#include <chrono>
#include <cstdint>
#include <functional>

#include "util/scheduler.hpp"

namespace artemis::server {

struct MemoryTrimmerOptions {
  std::chrono::milliseconds period{2000};
  std::int64_t min_release = 32 * 1024 * 1024;
};

class MemoryTrimmer {
 public:
  using Usage = std::function<std::int64_t()>;
  using Trim = std::function<void()>;
  // trim(): malloc_trim(0) where the C library has it, else nothing.
  static void system_trim();

  MemoryTrimmer(MemoryTrimmerOptions options, util::Scheduler& scheduler, Usage usage,
                Trim trim = system_trim, Usage compactions = {});
  ~MemoryTrimmer();
  MemoryTrimmer(const MemoryTrimmer&) = delete;
  MemoryTrimmer& operator=(const MemoryTrimmer&) = delete;

  void start();
  void stop();
  void check();
  std::int64_t trims() const { return trims_; }

 private:
  void arm();
  void trim(std::int64_t in_use);

  MemoryTrimmerOptions options_;
  util::Scheduler& scheduler_;
  Usage usage_;
  Trim trim_;
  Usage compactions_;
  std::int64_t compactions_seen_ = 0;
  util::Scheduler::TimerId timer_ = 0;
  bool running_ = false;
  std::int64_t high_ = 0;  // the most in use since the last trim
  std::int64_t trims_ = 0;
};

}  // namespace artemis::server
