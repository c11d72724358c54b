#include "net/accept_backoff.hpp"

#include <asio/error_code.hpp>

#include <cerrno>

namespace artemis::net {

bool AcceptBackoff::is_resource_shortage(const std::error_code& ec) {
  // Asio reports accept() errors as errno values in its own system category ("asio.system"),
  // not std::system_category(); either errno category is accepted here.
  const auto* category = &ec.category();
  if (category != &asio::system_category() && category != &std::system_category() &&
      category != &std::generic_category())
    return false;
  switch (ec.value()) {
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
      return true;
    default:
      return false;
  }
}

AcceptBackoff::Pause AcceptBackoff::on_failure(Clock::time_point now) {
  Pause p;
  p.pause = next_pause_;
  next_pause_ = std::min(next_pause_ * 2, kMaxPause);
  ++refused_;
  p.refused = refused_;
  if (!last_log_ || now - *last_log_ >= kLogEvery) {
    p.log = true;
    p.first = !reporting_;
    last_log_ = now;
    if (!reporting_) report_started_ = now;
    reporting_ = true;
  }
  return p;
}

std::optional<AcceptBackoff::Recovery> AcceptBackoff::on_success(Clock::time_point now) {
  next_pause_ = kFirstPause;
  if (!reporting_) return std::nullopt;
  reporting_ = false;
  const Recovery r{
      refused_, std::chrono::duration_cast<std::chrono::milliseconds>(now - report_started_)};
  refused_ = 0;
  return r;
}

}  // namespace artemis::net
