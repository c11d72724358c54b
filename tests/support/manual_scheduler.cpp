#include "support/manual_scheduler.hpp"

#include <algorithm>
#include <utility>

namespace artemis::test_support {

namespace {

// Far more than any test needs; only work that keeps re-arming itself reaches these.
constexpr int max_timers_per_advance = 1000;
constexpr int max_rounds_per_run = 1000;

}  // namespace

ManualScheduler::ManualScheduler(ManualSchedulerOptions options)
    : wait_limit_(options.wait_limit), now_ms_(options.start_ms) {}

util::Scheduler::TimerId ManualScheduler::schedule_after(std::chrono::milliseconds delay,
                                                         std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  const TimerId id = next_id_++;
  timers_[id] = Timer{now_ms_ + delay.count(), std::move(fn)};
  return id;
}

void ManualScheduler::cancel(TimerId id) {
  std::lock_guard lock(mutex_);
  timers_.erase(id);
}

void ManualScheduler::post(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    posted_.push_back(std::move(fn));
  }
  posted_cv_.notify_all();
}

std::int64_t ManualScheduler::now_ms() const {
  std::lock_guard lock(mutex_);
  return now_ms_;
}

std::function<void(std::function<void()>)> ManualScheduler::poster() {
  return [this](std::function<void()> fn) { post(std::move(fn)); };
}

void ManualScheduler::advance(std::int64_t ms) {
  {
    std::lock_guard lock(mutex_);
    now_ms_ += ms;
  }
  for (int fired = 0; fired < max_timers_per_advance; ++fired) {
    std::function<void()> fn;
    {
      std::lock_guard lock(mutex_);
      const auto due = std::find_if(timers_.begin(), timers_.end(),
                                    [&](const auto& t) { return t.second.due_ms <= now_ms_; });
      if (due == timers_.end()) return;
      fn = std::move(due->second.fn);
      timers_.erase(due);
    }
    fn();  // unlocked: it may schedule, cancel or post
  }
}

std::size_t ManualScheduler::run_posted() {
  std::size_t ran = 0;
  for (int round = 0; round < max_rounds_per_run; ++round) {
    std::deque<std::function<void()>> batch;
    {
      std::lock_guard lock(mutex_);
      batch.swap(posted_);
    }
    if (batch.empty()) break;
    for (auto& fn : batch) {
      fn();
      ++ran;
    }
  }
  return ran;
}

bool ManualScheduler::run_until(const std::function<bool()>& pred) {
  return run_until(pred, wait_limit_);
}

bool ManualScheduler::run_until(const std::function<bool()>& pred,
                                std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    std::function<void()> fn;
    {
      std::unique_lock lock(mutex_);
      if (!posted_cv_.wait_until(lock, deadline, [&] { return !posted_.empty(); })) return pred();
      fn = std::move(posted_.front());
      posted_.pop_front();
    }
    fn();
  }
  return true;
}

}  // namespace artemis::test_support
