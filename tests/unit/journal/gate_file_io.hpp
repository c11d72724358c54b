#pragma once
// GateIo: a FileIo for tests that need the journal thread at a chosen point. It passes every
// call to the kernel, except that a held kind of call (writes or allocations) waits until the
// test releases it, so the test can line up what the journal thread finds queued next or what
// another thread does meanwhile; with `full` set every allocation of a new file fails with
// ENOSPC, as on a full disk. Thread-safe: the test holds and releases, journal threads call.
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "journal/file_io.hpp"

namespace artemis::journal::test {

class GateIo final : public FileIo {
 public:
  enum class Hold { none, write, allocate };

  std::atomic<bool> full{false};

  void hold(Hold what) {
    std::lock_guard lock(mutex_);
    hold_ = what;
    held_ = false;
  }
  bool wait_held() {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [&] { return held_; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    hold_ = Hold::none;
    cv_.notify_all();
  }

  int pwritev(int fd, const iovec* iov, int count, off_t offset, std::size_t& written) override {
    wait_if(Hold::write);
    return real_file_io().pwritev(fd, iov, count, offset, written);
  }
  int fdatasync(int fd) override { return real_file_io().fdatasync(fd); }
  int fsync(int fd) override { return real_file_io().fsync(fd); }
  int allocate(int fd, off_t length) override {
    wait_if(Hold::allocate);
    if (full) return ENOSPC;
    return real_file_io().allocate(fd, length);
  }

 private:
  void wait_if(Hold what) {
    std::unique_lock lock(mutex_);
    if (hold_ != what) return;
    held_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return hold_ != what; });
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  Hold hold_ = Hold::none;
  bool held_ = false;
};
}  // namespace artemis::journal::test
