#pragma once
// ChildProcess: runs a body in a forked child, for tests where another process must hold
// something (a file lock, a port) that only its death releases. The child reports readiness
// through a pipe: the body calls ready() once what it holds is held. A child still running
// when the ChildProcess goes out of scope is killed (SIGKILL) and reaped.
#include <sys/types.h>

#include <functional>

namespace artemis::test_support {

class ChildProcess {
 public:
  using Ready = std::function<void()>;
  // The body runs in the child only; the child exits 0 when it returns and 99 if it throws
  // (it must never fall back into the test runner).
  explicit ChildProcess(const std::function<void(const Ready& ready)>& body);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Blocks until the child calls ready(); false if it exits (or could not start) first.
  bool wait_ready();
  // SIGKILL, as a crash would end it, then reaps it.
  void kill_now();
  // Waits for the child to exit; its exit status, or -1 if a signal ended it.
  int wait_exit();

 private:
  pid_t pid_ = -1;
  int ready_fd_ = -1;
};

}  // namespace artemis::test_support
