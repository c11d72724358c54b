#pragma once
// NodeManager: the shared-store lock protocol on files in node-manager-lock-directory (by
// default the journal directory, shared by primary and backup).
//
//   server.lock   the state file; its whole-file lock is the short "state lock" taken around
//                 every read and write of the state. Layout, format "00" (19 bytes, the layout
//                 Artemis 2.10+ uses, so the files stay readable by either broker):
//                   offset 0   1 byte   state: '0' first start (file just created), 'L' live,
//                                       'F' failing back, 'P' paused; an empty file reads 'N'
//                   offset 1   2 bytes  format version, ASCII "00"
//                   offset 3   16 bytes node id (util::Uuid bytes, most significant first),
//                                       shared by primary and backup
//                 The first node to start (either role) creates the file and the node id under
//                 the state lock; everyone else adopts the id found there.
//   serverlock.1  the live lock: whoever holds it owns the journal.
//   serverlock.2  the backup lock: the one passive backup first in line for the live lock.
//
// All locks are whole-file OFD write locks (see lock_file.hpp); each file is opened once for its
// lock, plus a probe descriptor the lock monitor checks through (no descriptor per check).
// Every state write is followed by fdatasync before the state lock is released.
//
// Threads: used by the activation thread and the lock monitor. State access is serialised by
// an in-process mutex plus the state lock; lock waits are interrupted by interrupt().
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <ostream>
#include <string_view>
#include <system_error>

#include "ha/activation.hpp"
#include "ha/lock_file.hpp"
#include "util/uuid.hpp"

namespace artemis::ha {

enum class NodeState : char {
  first_time = '0',
  not_started = 'N',
  live = 'L',
  failing_back = 'F',
  paused = 'P',
};
std::string_view to_string(NodeState state);
std::ostream& operator<<(std::ostream& os, NodeState state);

inline constexpr std::string_view state_file_name = "server.lock";
inline constexpr std::string_view live_lock_file_name = "serverlock.1";
inline constexpr std::string_view backup_lock_file_name = "serverlock.2";
inline constexpr std::size_t state_file_size = 19;
inline constexpr std::size_t node_id_offset = 3;

struct NodeManagerOptions {
  std::filesystem::path directory;
  LockWaitMode wait_mode = LockWaitMode::blocking;
  std::chrono::milliseconds poll{100};
  std::int64_t acquisition_timeout_ms = -1;  // per lock wait; -1 = forever
};

class NodeManager {
 public:
  explicit NodeManager(NodeManagerOptions options);
  NodeManager(const NodeManager&) = delete;
  NodeManager& operator=(const NodeManager&) = delete;
  ~NodeManager();

  // Creates the directory and opens the three files; creates or adopts the node id.
  std::error_code start();
  // Releases every lock and closes the files (no state write).
  void stop();
  const util::Uuid& node_id() const { return node_id_; }
  const std::filesystem::path& directory() const { return options_.directory; }
  // Blocking unless configured to poll or the directory is on NFS (then polling).
  LockWaitMode wait_mode() const { return options_.wait_mode; }

  std::error_code read_state(NodeState& out);
  std::error_code write_state(NodeState state);

  // Live lock. lock_live blocks (or polls) until held, interrupted or timed out.
  std::error_code try_lock_live(bool& acquired);
  std::error_code lock_live();
  std::error_code unlock_live();
  bool holds_live() const { return live_.held(); }
  // Backup lock.
  std::error_code lock_backup();
  std::error_code unlock_backup();
  bool holds_backup() const { return backup_.held(); }

  // For the live node's monitor: ok while the lock files are still the ones we locked and the
  // live lock is still held; otherwise why not.
  std::error_code check_live_ownership();

  // Ends current and future lock waits with errc::interrupted until reset_interrupt().
  void interrupt() { interrupter_.interrupt(); }
  void reset_interrupt() { interrupter_.reset(); }
  bool interrupted() const { return interrupter_.interrupted(); }

 private:
  std::error_code wait_for(LockFile& file);
  std::error_code with_state_lock(const std::function<std::error_code()>& body);
  std::error_code init_state_file();

  NodeManagerOptions options_;
  LockFile state_;
  LockFile live_;
  LockFile backup_;
  WaitInterrupter interrupter_;
  std::mutex state_mutex_;  // the state lock does not exclude threads of this process
  util::Uuid node_id_;
};

}  // namespace artemis::ha
