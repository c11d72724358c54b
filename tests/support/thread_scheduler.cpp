#include "support/thread_scheduler.hpp"

namespace artemis::test_support {

ThreadScheduler::ThreadScheduler() : thread_([this] { loop(); }) {}

ThreadScheduler::~ThreadScheduler() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

util::Scheduler::TimerId ThreadScheduler::schedule_after(std::chrono::milliseconds delay,
                                                         std::function<void()> fn) {
  TimerId id;
  {
    std::lock_guard lock(mutex_);
    id = ++next_id_;
    timers_.emplace(Clock::now() + delay, std::make_pair(id, std::move(fn)));
  }
  cv_.notify_all();
  return id;
}

void ThreadScheduler::cancel(TimerId id) {
  std::lock_guard lock(mutex_);
  for (auto it = timers_.begin(); it != timers_.end(); ++it)
    if (it->second.first == id) {
      timers_.erase(it);
      return;
    }
}

void ThreadScheduler::post(std::function<void()> fn) {
  schedule_after(std::chrono::milliseconds(0), std::move(fn));
}

std::int64_t ThreadScheduler::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void ThreadScheduler::loop() {
  std::unique_lock lock(mutex_);
  while (!done_) {
    if (timers_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const auto first = timers_.begin();
    if (first->first > Clock::now()) {
      cv_.wait_until(lock, first->first);
      continue;
    }
    auto fn = std::move(first->second.second);
    timers_.erase(first);
    lock.unlock();
    fn();
    lock.lock();
  }
}

}  // namespace artemis::test_support
