#include "net/asio_scheduler.hpp"

#include <asio/post.hpp>

namespace artemis::net {

AsioScheduler::~AsioScheduler() {
  for (auto& [id, timer] : timers_) timer->cancel();
}

util::Scheduler::TimerId AsioScheduler::schedule_after(std::chrono::milliseconds delay,
                                                       std::function<void()> fn) {
  const TimerId id = next_id_++;
  auto timer = std::make_shared<asio::steady_timer>(io_, delay);
  timers_.emplace(id, timer);
  // The handler holds the timer alive; a cancelled timer completes with operation_aborted and
  // its entry is already gone, so fn never runs after cancel().
  timer->async_wait([this, id, timer, fn = std::move(fn)](const std::error_code& ec) {
    if (ec) return;
    if (timers_.erase(id) == 0) return;
    fn();
  });
  return id;
}

void AsioScheduler::cancel(TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  it->second->cancel();
  timers_.erase(it);
}

void AsioScheduler::post(std::function<void()> fn) { asio::post(io_, std::move(fn)); }

std::int64_t AsioScheduler::now_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace artemis::net
