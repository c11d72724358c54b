#pragma once
// Evidence from the kernel that a thread is inside a lock wait, so a test can assert "still
// waiting" on a fact instead of on "nothing happened for a while".
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace artemis::ha::test {

// True while some descriptor is blocked in F_OFD_SETLKW on `file`: /proc/locks lists such a
// request as "N: -> OFDLCK ADVISORY WRITE -1 <major>:<minor>:<inode> 0 EOF".
inline bool lock_has_blocked_waiter(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return false;
  const std::string inode_suffix = ":" + std::to_string(st.st_ino);
  std::ifstream locks("/proc/locks");
  std::string line;
  while (std::getline(locks, line)) {
    std::istringstream fields(line);
    std::string field;
    bool blocked = false;
    while (fields >> field) {
      if (field == "->") blocked = true;
      const bool device_and_inode = field.size() > inode_suffix.size() &&
                                    field.compare(field.size() - inode_suffix.size(),
                                                  inode_suffix.size(), inode_suffix) == 0 &&
                                    field.find(':') != field.rfind(':');
      if (blocked && device_and_inode) return true;
    }
  }
  return false;
}

// True while thread `tid` of this process sleeps in nanosleep, as a polling lock wait does
// between two failed attempts (/proc/self/task/<tid>/syscall starts with the call's number).
inline bool thread_is_sleeping(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/syscall");
  long number = -1;
  if (!(in >> number)) return false;
#ifdef SYS_nanosleep
  if (number == SYS_nanosleep) return true;
#endif
  return number == SYS_clock_nanosleep;
}

}  // namespace artemis::ha::test
