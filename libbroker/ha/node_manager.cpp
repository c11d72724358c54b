#include "ha/node_manager.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <thread>

#include "ha/errors.hpp"

namespace artemis::ha {
namespace {

// The state lock is held for one read or one write+fdatasync, so a holder lets go within
// milliseconds. Waiting longer than this means the file system is wedged.
constexpr auto state_lock_limit = std::chrono::seconds(10);

}  // namespace

std::string_view to_string(NodeState state) {
  switch (state) {
    case NodeState::first_time: return "FIRST_TIME_START";
    case NodeState::not_started: return "NOT_STARTED";
    case NodeState::live: return "LIVE";
    case NodeState::failing_back: return "FAILINGBACK";
    case NodeState::paused: return "PAUSED";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, NodeState state) {
  return os << to_string(state) << " ('" << static_cast<char>(state) << "')";
}

NodeManager::NodeManager(NodeManagerOptions options) : options_(std::move(options)) {}

NodeManager::~NodeManager() { stop(); }

std::error_code NodeManager::start() {
  std::error_code ec;
  std::filesystem::create_directories(options_.directory, ec);
  if (ec) return ec;
  // NFS may not wake a blocked F_OFD_SETLKW reliably (lock recovery, leases): poll there.
  constexpr long nfs_super_magic = 0x6969;
  struct statfs fs {};
  if (options_.wait_mode == LockWaitMode::blocking &&
      ::statfs(options_.directory.c_str(), &fs) == 0 &&
      static_cast<long>(fs.f_type) == nfs_super_magic)
    options_.wait_mode = LockWaitMode::polling;
  if ((ec = state_.open(options_.directory / state_file_name))) return ec;
  if ((ec = live_.open(options_.directory / live_lock_file_name))) return ec;
  if ((ec = backup_.open(options_.directory / backup_lock_file_name))) return ec;
  return with_state_lock([this] { return init_state_file(); });
}

void NodeManager::stop() {
  live_.close();
  backup_.close();
  state_.close();
}

// Under the state lock: whoever comes first writes the header and the node id; everyone else
// adopts the id found there. Doing this under the lock closes the race in which two nodes
// starting together on an empty store would pick different ids.
std::error_code NodeManager::init_state_file() {
  const int fd = state_.fd();
  struct stat st {};
  if (fstat(fd, &st) != 0) return last_error();
  bool dirty = false;
  if (st.st_size == 0) {
    if (pwrite(fd, "000", 3, 0) != 3) return last_error();
    dirty = true;
  }
  std::array<std::uint8_t, 16> id{};
  const ssize_t n = pread(fd, id.data(), id.size(), node_id_offset);
  if (n < 0) return last_error();
  if (static_cast<std::size_t>(n) == id.size()) {
    node_id_.bytes = id;
  } else {
    node_id_ = util::Uuid::generate();
    if (pwrite(fd, node_id_.bytes.data(), node_id_.bytes.size(), node_id_offset) !=
        static_cast<ssize_t>(node_id_.bytes.size()))
      return last_error();
    dirty = true;
  }
  if (dirty && fdatasync(fd) != 0) return last_error();
  return {};
}

std::error_code NodeManager::with_state_lock(const std::function<std::error_code()>& body) {
  if (!state_.is_open()) return make_error_code(errc::not_started);
  std::lock_guard guard(state_mutex_);
  const auto deadline = std::chrono::steady_clock::now() + state_lock_limit;
  for (;;) {
    bool acquired = false;
    if (auto ec = state_.try_lock(acquired)) return ec;
    if (acquired) break;
    if (std::chrono::steady_clock::now() >= deadline)
      return make_error_code(errc::state_lock_timeout);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const std::error_code ec = body();
  const std::error_code unlock_ec = state_.unlock();
  return ec ? ec : unlock_ec;
}

std::error_code NodeManager::read_state(NodeState& out) {
  return with_state_lock([&]() -> std::error_code {
    char c = 0;
    const ssize_t n = pread(state_.fd(), &c, 1, 0);
    if (n < 0) return last_error();
    if (n == 0) {
      out = NodeState::not_started;
      return {};
    }
    switch (c) {
      case '0': out = NodeState::first_time; break;
      case 'L': out = NodeState::live; break;
      case 'F': out = NodeState::failing_back; break;
      case 'P': out = NodeState::paused; break;
      default: out = NodeState::not_started; break;  // 'N' or a byte nobody writes
    }
    return {};
  });
}

std::error_code NodeManager::write_state(NodeState state) {
  return with_state_lock([&]() -> std::error_code {
    const char c = static_cast<char>(state);
    if (pwrite(state_.fd(), &c, 1, 0) != 1) return last_error();
    if (fdatasync(state_.fd()) != 0) return last_error();
    return {};
  });
}

std::error_code NodeManager::wait_for(LockFile& file) {
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (options_.acquisition_timeout_ms >= 0)
    deadline = std::chrono::steady_clock::now() +
               std::chrono::milliseconds(options_.acquisition_timeout_ms);
  // A timeout needs a bounded wait, so it uses the polling form.
  if (options_.wait_mode == LockWaitMode::polling || deadline)
    return file.lock_polling(interrupter_, options_.poll, deadline);
  return file.lock_blocking(interrupter_);
}

std::error_code NodeManager::try_lock_live(bool& acquired) { return live_.try_lock(acquired); }
std::error_code NodeManager::lock_live() { return wait_for(live_); }
std::error_code NodeManager::unlock_live() { return live_.unlock(); }
std::error_code NodeManager::lock_backup() { return wait_for(backup_); }
std::error_code NodeManager::unlock_backup() { return backup_.unlock(); }

std::error_code NodeManager::check_live_ownership() {
  if (!live_.is_open() || !state_.is_open()) return make_error_code(errc::not_started);
  if (!live_.held()) return make_error_code(errc::lock_not_held);
  if (!live_.still_same_file() || !state_.still_same_file())
    return make_error_code(errc::lock_file_replaced);
  if (!live_.locked_by_anyone()) return make_error_code(errc::lock_not_held);
  return {};
}

}  // namespace artemis::ha
