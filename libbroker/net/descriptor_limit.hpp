#pragma once
// raise_descriptor_limit: lifts the soft RLIMIT_NOFILE to the hard limit at start-up, as
// nats-server, Go programs and many brokers do. Every client connection costs a descriptor, and
// distributions still default the soft limit to 1024 while allowing far more (the hard limit),
// so without this a broker refuses clients long before the system would. Called by `artemis
// run` before the broker starts; child processes inherit the raised limit.
//
// Linux only uses epoll here, so descriptors above 1024 are safe (no select()).
#include <sys/resource.h>

#include <string>

#include "util/log.hpp"

namespace artemis::net {

struct DescriptorLimit {
  rlim_t before = 0;  // the soft limit found
  rlim_t after = 0;   // the soft limit now (== before if unchanged or if raising failed)
  rlim_t hard = 0;
  std::string error;  // why raising failed; empty on success or when nothing was to do
};

// Raises the soft limit to the hard one (capped at `cap` when the hard limit is unlimited) and
// logs what it became: info when raised, debug when already there, warn when refused.
DescriptorLimit raise_descriptor_limit(const util::Logger& log, rlim_t cap = 1048576);

}  // namespace artemis::net
