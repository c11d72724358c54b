#pragma once
// LockFile: one file locked as a whole with an OFD write lock (fcntl F_OFD_SETLK/F_OFD_SETLKW).
//
// Why OFD locks: they belong to the open file description, not to the process, so closing some
// other descriptor of the same file does not drop them (classic POSIX locks would), two
// LockFiles in one process conflict like two processes do, and they still conflict with the
// classic fcntl locks Java brokers take on the same files. The kernel drops them when the
// holder dies (kill -9), which is what wakes a waiting backup.
//
// Each file is opened twice, once at open(): the lock descriptor, and a probe descriptor (its
// own open file description, so our own lock shows up through it as any other holder's would)
// that the lock monitor asks "is this file locked?". Opening the probe per check made a broker
// out of descriptors (EMFILE, too many clients) read "nobody holds the live lock" and stop; a
// check now needs no new descriptor. Closing the probe drops nothing: OFD locks belong to the
// lock descriptor's open file description only.
//
// WaitInterrupter lets stop() end a blocking F_OFD_SETLKW: the waiting thread registers itself,
// stop() sets a flag and signals that thread (a no-op handler installed without SA_RESTART, so
// fcntl returns EINTR) until it has left the wait. Signals are re-sent every millisecond, so a
// signal that lands just before the thread enters fcntl cannot be lost. Any thread may wait;
// any thread may interrupt.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <system_error>

namespace artemis::ha {

class WaitInterrupter {
 public:
  // Interrupts the current wait and every later one until reset(). Returns once no thread is
  // inside a wait (bounded: the waiter leaves fcntl on the first delivered signal).
  void interrupt();
  void reset();
  bool interrupted() const;

  // Used by LockFile around a blocking call: enter() returns false if already interrupted.
  bool enter();
  void leave();

 private:
  mutable std::mutex mutex_;
  bool interrupted_ = false;
  bool waiting_ = false;
  pthread_t waiter_{};
};

class LockFile {
 public:
  LockFile() = default;
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;
  LockFile(LockFile&& other) noexcept;
  LockFile& operator=(LockFile&& other) noexcept;
  ~LockFile();

  // Opens (creating, mode 0644) the file read-write, and its probe. Errors carry errno.
  std::error_code open(const std::filesystem::path& path);
  void close();  // drops the lock if held; closes the probe
  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::filesystem::path& path() const { return path_; }
  bool held() const { return held_; }

  // Non-blocking attempt: acquired=true if we now hold the lock, false if someone else does.
  std::error_code try_lock(bool& acquired);
  // Blocks (F_OFD_SETLKW) until the lock is ours, or errc::interrupted.
  std::error_code lock_blocking(WaitInterrupter& interrupter);
  // Tries every `poll` until acquired, interrupted or the deadline (errc::timed_out) passes.
  std::error_code lock_polling(WaitInterrupter& interrupter, std::chrono::milliseconds poll,
                               std::optional<std::chrono::steady_clock::time_point> deadline);
  std::error_code unlock();

  // Ownership checks for the lock monitor, neither of which opens a descriptor: does `path`
  // still name the file we opened (same device and inode)? Does anyone (us included) hold a
  // lock on it, seen through the probe descriptor?
  bool still_same_file() const;
  bool locked_by_anyone() const;

 private:
  int fd_ = -1;
  int probe_fd_ = -1;
  bool held_ = false;
  std::filesystem::path path_;
};

}  // namespace artemis::ha
