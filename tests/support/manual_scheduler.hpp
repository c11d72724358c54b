#pragma once
// ManualScheduler: a util::Scheduler driven by the test. The clock moves only in advance();
// posted work runs only in run_posted() or run_until(). post() is safe from any thread, since
// journal completions arrive from the journal's own thread; work always runs on the thread
// that calls run_posted(), run_until() or advance().
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>

#include "util/scheduler.hpp"

namespace artemis::test_support {

struct ManualSchedulerOptions {
  std::int64_t start_ms = 1'000'000;  // what now_ms() reads before the first advance()
  std::chrono::milliseconds wait_limit = std::chrono::seconds(5);  // run_until's deadline
};

class ManualScheduler : public util::Scheduler {
 public:
  explicit ManualScheduler(ManualSchedulerOptions options = {});
  ManualScheduler(const ManualScheduler&) = delete;
  ManualScheduler& operator=(const ManualScheduler&) = delete;

  TimerId schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;
  void post(std::function<void()> fn) override;
  std::int64_t now_ms() const override;

  // post() as a plain function, the shape journals take their completion poster in.
  std::function<void(std::function<void()>)> poster();

  // The clock jumps by `ms`; then every timer due by the new time fires once, in the order the
  // timers were scheduled, all reading the new time (so a periodic timer re-arms from there).
  void advance(std::int64_t ms);
  // Runs posted work, including work posted while it runs, until none is left; returns how
  // many ran. Bounded, so work that re-posts itself forever cannot hang a test.
  std::size_t run_posted();
  // Runs posted work one item at a time, waiting for more to be posted, until pred() holds.
  // False if it still does not at the deadline (wait_limit unless given).
  bool run_until(const std::function<bool()>& pred);
  bool run_until(const std::function<bool()>& pred, std::chrono::milliseconds limit);

 private:
  struct Timer {
    std::int64_t due_ms;
    std::function<void()> fn;
  };

  const std::chrono::milliseconds wait_limit_;
  mutable std::mutex mutex_;
  std::condition_variable posted_cv_;
  std::int64_t now_ms_;
  TimerId next_id_ = 1;
  std::map<TimerId, Timer> timers_;  // by id: scheduling order
  std::deque<std::function<void()>> posted_;
};

}  // namespace artemis::test_support
