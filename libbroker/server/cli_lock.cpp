#include "server/cli_lock.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace artemis::server {

CliLock::~CliLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the description releases the OFD lock
}

CliLock::CliLock(CliLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

CliLock& CliLock::operator=(CliLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

CliLock::Result CliLock::try_acquire(const std::filesystem::path& lock_dir, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(lock_dir, ec);
  if (ec) {
    error = lock_dir.string() + ": cannot create the lock directory: " + ec.message();
    return Result::io_error;
  }
  const auto file = lock_dir / "cli.lock";
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = file.string() + ": cannot open: " + std::strerror(errno);
    return Result::io_error;
  }
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  if (::fcntl(fd, F_OFD_SETLK, &fl) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EAGAIN || err == EACCES) return Result::held_elsewhere;
    error = file.string() + ": cannot lock: " + std::strerror(err);
    return Result::io_error;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  return Result::acquired;
}

}  // namespace artemis::server
