#pragma once
// PrimaryHoldingLiveLock: a primary in a child process that wrote 'F', took the live lock and
// wrote 'L', then holds it until killed. This is what another node sees of a live primary, and
// crash() (SIGKILL) leaves what a crashed primary leaves: state 'L' and the live lock free.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "ha/node_manager.hpp"
#include "support/child_process.hpp"

namespace artemis::ha::test {

class PrimaryHoldingLiveLock {
 public:
  // Returns once the child holds the live lock.
  explicit PrimaryHoldingLiveLock(const std::filesystem::path& lock_directory)
      : child_([&](const test_support::ChildProcess::Ready& ready) {
          hold_live_lock(lock_directory, ready);
        }) {
    REQUIRE_MESSAGE(child_.wait_ready(), "the primary's child process could not lock");
  }

  // SIGKILL, then reaped: the kernel has released the lock when this returns.
  void crash() { child_.kill_now(); }

 private:
  [[noreturn]] static void hold_live_lock(const std::filesystem::path& lock_directory,
                                          const test_support::ChildProcess::Ready& ready) {
    NodeManager nm(NodeManagerOptions{lock_directory});
    if (nm.start() || nm.write_state(NodeState::failing_back) || nm.lock_live() ||
        nm.write_state(NodeState::live))
      ::_exit(3);
    ready();
    for (;;) ::pause();
  }

  test_support::ChildProcess child_;
};

// A primary that reached 'L' and crashed: the state is 'L' and nobody holds the live lock.
inline void leave_crashed_primary(const std::filesystem::path& lock_directory) {
  PrimaryHoldingLiveLock(lock_directory).crash();
}

}  // namespace artemis::ha::test
