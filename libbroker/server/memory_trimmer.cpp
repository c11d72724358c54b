#include "server/memory_trimmer.hpp"

#include <algorithm>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace artemis::server {

void MemoryTrimmer::system_trim() {
#if defined(__GLIBC__)
  ::malloc_trim(0);
#endif
}

MemoryTrimmer::MemoryTrimmer(MemoryTrimmerOptions options, util::Scheduler& scheduler, Usage usage,
                             Trim trim, Usage compactions)
    : options_(options),
      scheduler_(scheduler),
      usage_(std::move(usage)),
      trim_(std::move(trim)),
      compactions_(std::move(compactions)) {}

MemoryTrimmer::~MemoryTrimmer() {
  stop();
}

void MemoryTrimmer::start() {
  if (running_) return;
  running_ = true;
  trim(usage_());
  arm();
}

void MemoryTrimmer::stop() {
  running_ = false;
  if (timer_ != 0) scheduler_.cancel(timer_);
  timer_ = 0;
}

void MemoryTrimmer::arm() {
  timer_ = scheduler_.schedule_after(options_.period, [this] {
    timer_ = 0;
    if (!running_) return;
    check();
    arm();
  });
}

void MemoryTrimmer::check() {
  const auto in_use = usage_();
  high_ = std::max(high_, in_use);
  if (compactions_) {
    const auto done = compactions_();
    if (done != compactions_seen_) {
      compactions_seen_ = done;
      trim(in_use);
      return;
    }
  }
  // Half of a smaller backlog is worth it too, so the last of a drain goes back as well. Less
  // than min_release / 2 is not: a trim walks the heap, and the pages it gives back fault in
  // again when a busy broker's few in-flight megabytes come and go every second.
  const auto worth = std::max(options_.min_release / 2, std::min(options_.min_release, high_ / 2));
  if (high_ - in_use >= worth) trim(in_use);
}

void MemoryTrimmer::trim(std::int64_t in_use) {
  trim_();
  ++trims_;
  high_ = in_use;
}

}  // namespace artemis::server
