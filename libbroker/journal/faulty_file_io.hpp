#pragma once
// FaultyFileIo: a FileIo that passes every call to the kernel until an armed fault fires, for
// tests of the failure paths (a failed fdatasync, EIO on a write, ENOSPC when a new file is
// allocated). Give it to a journal through Options::io:
//
//   auto io = std::make_shared<journal::FaultyFileIo>();
//   options.io = io;
//   io->arm(FaultyFileIo::Op::datasync, 1, EIO);   // the next fdatasync fails with EIO
//
// A fault fires once, on the nth call of its kind counted from arm(); with Repeat::always every
// later call of that kind fails too (a device that is gone). Thread-safe: the test thread arms,
// the journal and compactor threads call.
#include <array>
#include <cerrno>
#include <cstddef>
#include <mutex>

#include "journal/file_io.hpp"

namespace artemis::journal {

class FaultyFileIo final : public FileIo {
 public:
  enum class Op { write, datasync, fsync, allocate };
  enum class Repeat { once, always };

  // The `nth` (1 = next) call of `op` from now fails with `err`.
  void arm(Op op, int nth, int err, Repeat repeat = Repeat::once) {
    std::lock_guard lock(mutex_);
    auto& f = faults_[index(op)];
    f = Fault{nth, err, repeat == Repeat::always};
  }
  void disarm() {
    std::lock_guard lock(mutex_);
    faults_ = {};
  }
  // Calls of `op` so far (failed ones included).
  std::size_t calls(Op op) const {
    std::lock_guard lock(mutex_);
    return calls_[index(op)];
  }
  std::size_t failures() const {
    std::lock_guard lock(mutex_);
    return failures_;
  }

  int pwritev(int fd, const iovec* iov, int count, off_t offset, std::size_t& written) override {
    if (int err = check(Op::write)) return err;
    return real_file_io().pwritev(fd, iov, count, offset, written);
  }
  int fdatasync(int fd) override {
    if (int err = check(Op::datasync)) return err;
    return real_file_io().fdatasync(fd);
  }
  int fsync(int fd) override {
    if (int err = check(Op::fsync)) return err;
    return real_file_io().fsync(fd);
  }
  int allocate(int fd, off_t length) override {
    if (int err = check(Op::allocate)) return err;
    return real_file_io().allocate(fd, length);
  }

 private:
  struct Fault {
    int countdown = 0;  // 0: not armed
    int err = 0;
    bool sticky = false;
  };
  static std::size_t index(Op op) { return static_cast<std::size_t>(op); }

  // The errno this call fails with, 0 to pass it on.
  int check(Op op) {
    std::lock_guard lock(mutex_);
    ++calls_[index(op)];
    auto& f = faults_[index(op)];
    if (f.countdown == 0) return 0;
    if (f.countdown > 1) {
      --f.countdown;
      return 0;
    }
    const int err = f.err;
    if (!f.sticky) f = Fault{};
    ++failures_;
    return err;
  }

  mutable std::mutex mutex_;
  std::array<Fault, 4> faults_{};
  std::array<std::size_t, 4> calls_{};
  std::size_t failures_ = 0;
};

}  // namespace artemis::journal
