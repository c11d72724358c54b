#pragma once
// AcceptBackoff: what an acceptor does when accept() fails for lack of resources (EMFILE,
// ENFILE: no descriptor; ENOBUFS, ENOMEM: no kernel memory). Retrying at once fails again at
// once and spins the broker thread (a broker at its RLIMIT_NOFILE logged "accept failed" 11,216
// times in 0.1 s), so the acceptor stops accepting for a pause that starts at 100 ms and doubles
// up to 1 s, and starts over at 100 ms after the next accept succeeds. Meanwhile the connections
// wait in the kernel's listen backlog and are accepted once descriptors are free again.
// Netty, under Artemis, does the same: its server channel stops auto-read for 1 s after an
// accept error.
//
// Logging is rate-limited, not per failure: a warning when failures start, then at most one
// per kLogEvery while they go on (with the number of refused attempts), and one info line when
// an accept works again after a warning. A broker hovering at its limit (one descriptor freed,
// one client accepted, EMFILE again) therefore logs a few lines a minute, not one per client.
//
// Pure bookkeeping, time passed in: the acceptor owns the timer. Broker thread only.
#include <chrono>
#include <cstdint>
#include <optional>
#include <system_error>

namespace artemis::net {

class AcceptBackoff {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kFirstPause{100};
  static constexpr std::chrono::milliseconds kMaxPause{1000};
  static constexpr std::chrono::milliseconds kLogEvery{10000};

  // True for the errors a pause can cure: the process or the system ran out of descriptors or
  // of kernel buffers. Any other accept error is retried at once, as before.
  static bool is_resource_shortage(const std::error_code& ec);

  struct Pause {
    std::chrono::milliseconds pause;  // stop accepting this long
    bool log = false;                 // worth a log line now
    bool first = false;               // that line starts a report ("failed", not "still failing")
    std::uint64_t refused = 0;        // failed accepts since the last recovery line, this one too
  };
  Pause on_failure(Clock::time_point now);

  struct Recovery {
    std::uint64_t refused = 0;            // failed accepts since the last recovery line
    std::chrono::milliseconds lasted{0};  // from the report's first line to this success
  };
  // An accept succeeded: the pause starts over at kFirstPause. Returns the closing summary if a
  // warning was logged that no recovery line has answered yet.
  std::optional<Recovery> on_success(Clock::time_point now);

 private:
  std::chrono::milliseconds next_pause_ = kFirstPause;
  bool reporting_ = false;  // a warning was logged and no recovery line yet
  std::uint64_t refused_ = 0;  // since the last recovery line (suppressed ones included)
  Clock::time_point report_started_{};
  std::optional<Clock::time_point> last_log_;
};

}  // namespace artemis::net
