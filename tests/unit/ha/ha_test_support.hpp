#pragma once
// Test support for the ha layer: temp lock directories, a threaded Scheduler standing in for the
// broker thread, log capture, deadline waits, and child processes that hold locks (fork).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "util/log.hpp"
#include "util/scheduler.hpp"

namespace artemis::ha::test {

using namespace std::chrono_literals;

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/artemis-ha-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// Waits for `pred` with a deadline, checking every millisecond.
template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds timeout = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return pred();
}

// One thread running posted work in order: plays the broker thread.
class ThreadScheduler final : public util::Scheduler {
 public:
  ThreadScheduler() : thread_([this] { loop(); }) {}
  ~ThreadScheduler() override {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  TimerId schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) override {
    std::lock_guard lock(mutex_);
    const TimerId id = ++next_id_;
    timers_.emplace(std::chrono::steady_clock::now() + delay, std::make_pair(id, std::move(fn)));
    cv_.notify_all();
    return id;
  }
  void cancel(TimerId id) override {
    std::lock_guard lock(mutex_);
    for (auto it = timers_.begin(); it != timers_.end(); ++it)
      if (it->second.first == id) {
        timers_.erase(it);
        return;
      }
  }
  void post(std::function<void()> fn) override { schedule_after(0ms, std::move(fn)); }
  std::int64_t now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  bool on_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    while (!done_) {
      if (timers_.empty()) {
        cv_.wait(lock);
        continue;
      }
      auto first = timers_.begin();
      if (first->first > std::chrono::steady_clock::now()) {
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
  std::mutex mutex_;
  std::condition_variable cv_;
  std::multimap<std::chrono::steady_clock::time_point, std::pair<TimerId, std::function<void()>>>
      timers_;
  TimerId next_id_ = 0;
  bool done_ = false;
  std::thread thread_;
};

// A Logger writing to a temporary file that tests can read back.
class LogCapture {
 public:
  LogCapture() : file_(std::tmpfile()), logger_(file_, util::Level::debug) {}
  ~LogCapture() { std::fclose(file_); }
  const util::Logger& logger() const { return logger_; }
  std::string text() const {
    std::fflush(file_);
    std::string out;
    char buf[4096];
    const long pos = 0;
    std::FILE* f = file_;
    std::fseek(f, pos, SEEK_SET);
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fseek(f, 0, SEEK_END);
    return out;
  }
  bool contains(std::string_view s) const { return text().find(s) != std::string::npos; }

 private:
  std::FILE* file_;
  util::Logger logger_;
};

// A child process running `body` (which must not return normally: it is _exit'ed after).
// Reports readiness through a pipe: body calls ready() once its lock is held.
class Child {
 public:
  template <class Body>
  explicit Child(Body body) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(fds[0]);
      const int w = fds[1];
      body([w] {
        const char c = 'r';
        (void)!::write(w, &c, 1);
      });
      ::_exit(0);
    }
    ::close(fds[1]);
    ready_fd_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (ready_fd_ >= 0) ::close(ready_fd_);
  }
  pid_t pid() const { return pid_; }
  // Blocks until the child calls ready() (or exits: then false).
  bool wait_ready() {
    char c;
    return ::read(ready_fd_, &c, 1) == 1;
  }
  void kill_now() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  int wait_exit() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int ready_fd_ = -1;
};

}  // namespace artemis::ha::test
