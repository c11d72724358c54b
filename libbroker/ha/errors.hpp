#pragma once
// Error codes of the ha layer (node manager and activation). Messages with context (file path,
// errno text) are logged where the error is detected; the code says what kind of failure it was.
#include <cerrno>
#include <system_error>

namespace artemis::ha {

enum class errc {
  ok = 0,
  interrupted = 1,      // a lock wait was interrupted by stop()
  timed_out,            // journal-lock-acquisition-timeout expired
  state_lock_timeout,   // the short state lock on server.lock stayed busy (broken file system?)
  lock_file_replaced,   // a lock file was deleted or replaced under us (other inode)
  lock_not_held,        // nobody holds the live lock although we think we do
  not_started,          // NodeManager used before start()
};
const std::error_category& ha_category();
std::error_code make_error_code(errc e);

// errno of the system call that just failed, as an error_code.
inline std::error_code last_error() { return {errno, std::generic_category()}; }

}  // namespace artemis::ha

template <>
struct std::is_error_code_enum<artemis::ha::errc> : std::true_type {};
