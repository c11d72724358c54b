#pragma once
// AsioScheduler: util::Scheduler on the broker thread's asio::io_context.
// schedule_after/cancel run on the broker thread only; post() is safe from any thread
// (the journal and HA threads hand their completions to the broker thread through it).
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <memory>
#include <unordered_map>

#include "util/scheduler.hpp"

namespace artemis::net {

class AsioScheduler final : public util::Scheduler {
 public:
  explicit AsioScheduler(asio::io_context& io) : io_(io) {}
  ~AsioScheduler() override;
  AsioScheduler(const AsioScheduler&) = delete;
  AsioScheduler& operator=(const AsioScheduler&) = delete;

  TimerId schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;
  void post(std::function<void()> fn) override;
  std::int64_t now_ms() const override;

  std::size_t pending_timers() const { return timers_.size(); }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context& io_;
  TimerId next_id_ = 1;
  // Live timers by id; an entry is erased when its timer fires or is cancelled.
  std::unordered_map<TimerId, std::shared_ptr<asio::steady_timer>> timers_;
};

}  // namespace artemis::net
