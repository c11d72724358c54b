#include "support/child_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace artemis::test_support {

namespace {

constexpr int exit_body_threw = 99;

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

ChildProcess::ChildProcess(const std::function<void(const Ready& ready)>& body) {
  int fds[2];
  if (::pipe(fds) != 0) return;
  pid_ = ::fork();
  if (pid_ == 0) {
    ::close(fds[0]);
    const int ready_fd = fds[1];
    const Ready ready = [ready_fd] {
      const char byte = 'r';
      (void)!::write(ready_fd, &byte, 1);
    };
    try {
      body(ready);
    } catch (...) {
      ::_exit(exit_body_threw);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  if (pid_ < 0) {
    ::close(fds[0]);
    return;
  }
  ready_fd_ = fds[0];
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) kill_now();
  if (ready_fd_ >= 0) ::close(ready_fd_);
}

bool ChildProcess::wait_ready() {
  if (ready_fd_ < 0) return false;
  char byte;
  for (;;) {
    const ssize_t n = ::read(ready_fd_, &byte, 1);
    if (n == 1) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;  // EOF: the child exited without calling ready()
  }
}

void ChildProcess::kill_now() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  reap(pid_);
  pid_ = -1;
}

int ChildProcess::wait_exit() {
  if (pid_ <= 0) return -1;
  const int status = reap(pid_);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace artemis::test_support
