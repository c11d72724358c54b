#include "security/login_throttle.hpp"

#include <algorithm>

namespace artemis::security {

namespace {
constexpr std::int64_t kForgetAfterMs = 10 * 60'000;
}

std::optional<std::int64_t> LoginThrottle::wait_ms(const std::string& host, std::int64_t now_ms) {
  forget_idle(now_ms);
  const auto it = hosts_.find(host);
  if (it == hosts_.end() || it->second.blocked_until_ms <= now_ms) return std::nullopt;
  return it->second.blocked_until_ms - now_ms;
}

std::int64_t LoginThrottle::failed(const std::string& host, std::int64_t now_ms) {
  Host& h = hosts_[host];
  h.last_ms = now_ms;
  if (++h.failures <= kFreeFailures) return 0;
  const int doublings = std::min(h.failures - kFreeFailures - 1, 16);
  const auto pause = std::min(kMaxPauseMs, kFirstPauseMs << doublings);
  h.blocked_until_ms = now_ms + pause;
  log_.plain(util::Level::warn, "org.apache.activemq.artemis.core.server",
             "{} failed logins in a row from {}: its logins are refused for {} ms", h.failures,
             host, pause);
  return pause;
}

void LoginThrottle::forget_idle(std::int64_t now_ms) {
  if (now_ms - last_sweep_ms_ < 60'000) return;
  last_sweep_ms_ = now_ms;
  std::erase_if(hosts_, [&](const auto& e) {
    return now_ms - e.second.last_ms > kForgetAfterMs && e.second.blocked_until_ms <= now_ms;
  });
}

}  // namespace artemis::security
