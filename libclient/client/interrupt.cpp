#include "client/interrupt.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <system_error>

namespace artemis::client {

Interrupt::Interrupt() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

Interrupt::~Interrupt() { ::close(fd_); }

// The counter is never read back: a non-zero eventfd stays readable for every poller.
void Interrupt::trigger() {
  const std::uint64_t one = 1;
  (void)!::write(fd_, &one, sizeof one);
}

bool Interrupt::triggered() const { return wait_for(std::chrono::milliseconds(0)); }

bool Interrupt::wait_for(std::chrono::milliseconds d) const {
  using Clock = std::chrono::steady_clock;
  const auto until = Clock::now() + d;
  for (;;) {
    // Rounded up: poll() must not wake before `until`, or callers would sleep short.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
    pollfd p{fd_, POLLIN, 0};
    const int rc =
        ::poll(&p, 1, static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 1000000)));
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return false;
    if (Clock::now() >= until) return false;
  }
}

}  // namespace artemis::client
