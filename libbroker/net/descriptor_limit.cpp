#include "net/descriptor_limit.hpp"

#include <cerrno>
#include <cstring>

#include "net/logger.hpp"

namespace artemis::net {

DescriptorLimit raise_descriptor_limit(const util::Logger& log, rlim_t cap) {
  DescriptorLimit result;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    result.error = std::strerror(errno);
    log.plain(util::Level::warn, kLogger, "cannot read the open-file limit (RLIMIT_NOFILE): {}",
              result.error);
    return result;
  }
  result.before = result.after = lim.rlim_cur;
  result.hard = lim.rlim_max;
  // An unlimited hard limit is not a number setrlimit takes for RLIMIT_NOFILE (the kernel caps
  // it at fs.nr_open); ask for the cap instead.
  const rlim_t target = lim.rlim_max == RLIM_INFINITY ? cap : lim.rlim_max;
  if (lim.rlim_cur >= target) {
    log.plain(util::Level::debug, kLogger, "open-file limit (RLIMIT_NOFILE) is {} (hard limit {})",
              lim.rlim_cur, lim.rlim_max);
    return result;
  }
  rlimit raised = lim;
  raised.rlim_cur = target;
  if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
    result.error = std::strerror(errno);
    log.plain(util::Level::warn, kLogger,
              "cannot raise the open-file limit (RLIMIT_NOFILE) from {} to {}: {}; the broker "
              "accepts at most about {} connections",
              lim.rlim_cur, target, result.error, lim.rlim_cur);
    return result;
  }
  result.after = target;
  log.plain(util::Level::info, kLogger,
            "raised the open-file limit (RLIMIT_NOFILE) from {} to {} (the hard limit)",
            lim.rlim_cur, target);
  return result;
}

}  // namespace artemis::net
