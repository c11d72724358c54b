#pragma once
// The per-instance CLI lock, <instance>/lock/cli.lock: `artemis run` holds it exclusively for
// the life of the process, so a second broker (or a data tool) on the same instance refuses to
// start. An OFD lock (fcntl F_OFD_SETLK): released by the kernel when the process dies, and
// also refused to a second open of the file within the same process.
#include <filesystem>
#include <string>

namespace artemis::server {

class CliLock {
 public:
  CliLock() = default;
  ~CliLock();
  CliLock(CliLock&& other) noexcept;
  CliLock& operator=(CliLock&& other) noexcept;
  CliLock(const CliLock&) = delete;
  CliLock& operator=(const CliLock&) = delete;

  enum class Result { acquired, held_elsewhere, io_error };
  // Creates <lock_dir> and <lock_dir>/cli.lock as needed, then tries the lock without waiting.
  // io_error: `error` names the file and the reason.
  Result try_acquire(const std::filesystem::path& lock_dir, std::string& error);
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace artemis::server
