#pragma once
// LoginThrottle: failed-login back-off per client host. After kFreeFailures failed logins from
// a host (none succeeding in between), its next logins are refused without being checked for a
// while that doubles with each further failure, from 1 s up to 60 s; a successful login clears
// the host. Guessing passwords gets slow, and a user who mistyped waits a second. Hosts not
// heard from for ten minutes are forgotten. Broker thread only.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "util/log.hpp"

namespace artemis::security {

class LoginThrottle {
 public:
  explicit LoginThrottle(const util::Logger& log) : log_(log) {}
  static constexpr int kFreeFailures = 5;
  static constexpr std::int64_t kFirstPauseMs = 1000;
  static constexpr std::int64_t kMaxPauseMs = 60'000;

  // Milliseconds the host must still wait, or nullopt when it may try.
  std::optional<std::int64_t> wait_ms(const std::string& host, std::int64_t now_ms);
  // Returns the pause this failure starts (0: none yet).
  std::int64_t failed(const std::string& host, std::int64_t now_ms);
  void succeeded(const std::string& host) { hosts_.erase(host); }

 private:
  struct Host {
    int failures = 0;
    std::int64_t blocked_until_ms = 0;
    std::int64_t last_ms = 0;
  };
  void forget_idle(std::int64_t now_ms);
  const util::Logger& log_;
  std::unordered_map<std::string, Host> hosts_;
  std::int64_t last_sweep_ms_ = 0;
};

}  // namespace artemis::security
