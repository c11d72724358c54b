#pragma once
// wait_until: polls a condition that another thread or process makes true, bounded by a
// deadline, so a test never depends on how long something happens to take.
#include <chrono>
#include <thread>

namespace artemis::test_support {

// True as soon as pred() holds; false if it still does not after `timeout`.
template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return pred();
}

}  // namespace artemis::test_support
