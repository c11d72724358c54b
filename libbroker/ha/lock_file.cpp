#include "ha/lock_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "ha/errors.hpp"

namespace artemis::ha {
namespace {

// The signal used to interrupt F_OFD_SETLKW. A real-time signal nobody else in the broker uses;
// its handler does nothing, the point is the EINTR. Installed once per process: a signal
// disposition is process-wide by nature.
int interrupt_signal() { return SIGRTMIN + 3; }

void on_interrupt_signal(int) {}

void install_interrupt_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_handler = on_interrupt_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: the blocked fcntl must return EINTR
    sigaction(interrupt_signal(), &sa, nullptr);
  });
}

struct flock whole_file(short type) {
  struct flock fl {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0;  // to the end of the file, however it grows
  fl.l_pid = 0;  // required for OFD locks
  return fl;
}

}  // namespace

// --- WaitInterrupter ---------------------------------------------------------------------

void WaitInterrupter::interrupt() {
  std::unique_lock lock(mutex_);
  interrupted_ = true;
  // Bounded: each round signals the waiter; a delivered signal makes fcntl return EINTR and the
  // waiter calls leave(). 10 s of rounds only pass if signals are blocked, which is a bug.
  for (int round = 0; waiting_ && round < 10000; ++round) {
    pthread_kill(waiter_, interrupt_signal());
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    lock.lock();
  }
}

void WaitInterrupter::reset() {
  std::lock_guard lock(mutex_);
  interrupted_ = false;
}

bool WaitInterrupter::interrupted() const {
  std::lock_guard lock(mutex_);
  return interrupted_;
}

bool WaitInterrupter::enter() {
  install_interrupt_handler();
  // The waiting thread must be able to receive the signal even if the broker blocked it.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, interrupt_signal());
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  std::lock_guard lock(mutex_);
  if (interrupted_) return false;
  waiting_ = true;
  waiter_ = pthread_self();
  return true;
}

void WaitInterrupter::leave() {
  std::lock_guard lock(mutex_);
  waiting_ = false;
}

// --- LockFile ------------------------------------------------------------------------------

LockFile::LockFile(LockFile&& other) noexcept
    : fd_(other.fd_),
      probe_fd_(other.probe_fd_),
      held_(other.held_),
      path_(std::move(other.path_)) {
  other.fd_ = -1;
  other.probe_fd_ = -1;
  other.held_ = false;
}

LockFile& LockFile::operator=(LockFile&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    probe_fd_ = other.probe_fd_;
    held_ = other.held_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
    other.probe_fd_ = -1;
    other.held_ = false;
  }
  return *this;
}

LockFile::~LockFile() { close(); }

std::error_code LockFile::open(const std::filesystem::path& path) {
  close();
  path_ = path;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return last_error();
  // Both descriptors must name the same inode: if the path was replaced between the two opens,
  // the probe would watch another file.
  probe_fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  struct stat by_fd {}, by_probe {};
  if (probe_fd_ < 0 || ::fstat(fd_, &by_fd) != 0 || ::fstat(probe_fd_, &by_probe) != 0) {
    const std::error_code ec = last_error();
    close();
    return ec;
  }
  if (by_fd.st_dev != by_probe.st_dev || by_fd.st_ino != by_probe.st_ino) {
    close();
    return make_error_code(errc::lock_file_replaced);
  }
  return {};
}

void LockFile::close() {
  if (fd_ >= 0) ::close(fd_);  // closing the only descriptor of the OFD drops its lock
  if (probe_fd_ >= 0) ::close(probe_fd_);
  fd_ = -1;
  probe_fd_ = -1;
  held_ = false;
}

std::error_code LockFile::try_lock(bool& acquired) {
  acquired = false;
  if (fd_ < 0) return make_error_code(errc::not_started);
  struct flock fl = whole_file(F_WRLCK);
  if (fcntl(fd_, F_OFD_SETLK, &fl) == 0) {
    held_ = acquired = true;
    return {};
  }
  if (errno == EAGAIN || errno == EACCES) return {};
  return last_error();
}

std::error_code LockFile::lock_blocking(WaitInterrupter& interrupter) {
  if (fd_ < 0) return make_error_code(errc::not_started);
  for (;;) {
    if (!interrupter.enter()) return make_error_code(errc::interrupted);
    struct flock fl = whole_file(F_WRLCK);
    const int rc = fcntl(fd_, F_OFD_SETLKW, &fl);
    const int err = errno;
    interrupter.leave();
    if (rc == 0) {
      held_ = true;
      return {};
    }
    if (err != EINTR) return {err, std::generic_category()};
    // EINTR: loop; enter() reports the interrupt if that is what woke us.
  }
}

std::error_code LockFile::lock_polling(WaitInterrupter& interrupter,
                                       std::chrono::milliseconds poll,
                                       std::optional<std::chrono::steady_clock::time_point> deadline) {
  for (;;) {
    if (interrupter.interrupted()) return make_error_code(errc::interrupted);
    bool acquired = false;
    if (auto ec = try_lock(acquired)) return ec;
    if (acquired) return {};
    if (deadline && std::chrono::steady_clock::now() >= *deadline)
      return make_error_code(errc::timed_out);
    std::this_thread::sleep_for(poll);
  }
}

std::error_code LockFile::unlock() {
  if (fd_ < 0) return make_error_code(errc::not_started);
  struct flock fl = whole_file(F_UNLCK);
  held_ = false;
  if (fcntl(fd_, F_OFD_SETLK, &fl) != 0) return last_error();
  return {};
}

bool LockFile::still_same_file() const {
  if (fd_ < 0) return false;
  struct stat by_path {}, by_fd {};
  if (::stat(path_.c_str(), &by_path) != 0) return false;
  if (::fstat(fd_, &by_fd) != 0) return false;
  return by_path.st_dev == by_fd.st_dev && by_path.st_ino == by_fd.st_ino;
}

bool LockFile::locked_by_anyone() const {
  // The probe is a different open file description, so our own OFD lock shows up as a conflict
  // here exactly like another process's lock would. F_OFD_GETLK allocates no descriptor.
  if (probe_fd_ < 0) return false;
  struct flock fl = whole_file(F_WRLCK);
  const int rc = fcntl(probe_fd_, F_OFD_GETLK, &fl);
  return rc == 0 && fl.l_type != F_UNLCK;
}

}  // namespace artemis::ha
