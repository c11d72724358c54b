#pragma once
// ThreadScheduler: a util::Scheduler with a real thread of its own that plays the broker
// thread, for code whose contract is "hooks run on the broker thread" while other threads
// (lock waits, network links) run beside it. Time is the real clock. When the test must
// drive time and posted work by hand instead, use ManualScheduler.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "util/scheduler.hpp"

namespace artemis::test_support {

class ThreadScheduler final : public util::Scheduler {
 public:
  ThreadScheduler();
  // Joins the thread; work still pending is dropped.
  ~ThreadScheduler() override;
  ThreadScheduler(const ThreadScheduler&) = delete;
  ThreadScheduler& operator=(const ThreadScheduler&) = delete;

  TimerId schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;
  void post(std::function<void()> fn) override;
  std::int64_t now_ms() const override;

  // True when called from the scheduler's own thread.
  bool on_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  void loop();

  using Clock = std::chrono::steady_clock;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::multimap<Clock::time_point, std::pair<TimerId, std::function<void()>>> timers_;
  TimerId next_id_ = 0;
  bool done_ = false;
  std::thread thread_;  // last: started once everything it uses exists
};

}  // namespace artemis::test_support
