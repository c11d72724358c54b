#pragma once
// Scheduler: timers and deferred work on the owner's thread (the broker thread). Core and
// protocol code use this interface so unit tests can drive time by hand; the broker implements
// it on its asio::io_context (net/asio_scheduler.hpp).
#include <chrono>
#include <cstdint>
#include <functional>

namespace artemis::util {

class Scheduler {
 public:
  using TimerId = std::uint64_t;
  virtual ~Scheduler() = default;
  // Runs fn once after delay, on the owner thread. Returns an id for cancel().
  virtual TimerId schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
  virtual void cancel(TimerId id) = 0;
  // Runs fn soon on the owner thread (safe to call from any thread).
  virtual void post(std::function<void()> fn) = 0;
  // Wall-clock milliseconds since the epoch (message timestamps, expiry, scheduled delivery).
  virtual std::int64_t now_ms() const = 0;
};

}  // namespace artemis::util
