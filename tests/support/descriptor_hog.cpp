#include "support/descriptor_hog.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace artemis::test_support {
namespace {

// Room between the descriptors open now and the lowered limit: enough for `spare` and for the
// hog's own /dev/null, few enough that filling them is instant.
constexpr rlim_t kHeadroom = 64;

int highest_open_descriptor() {
  int highest = 2;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    try {
      highest = std::max(highest, std::stoi(entry.path().filename().string()));
    } catch (const std::exception&) {
    }
  }
  return highest;
}

}  // namespace

DescriptorHog::DescriptorHog(int spare) {
  if (getrlimit(RLIMIT_NOFILE, &saved_) != 0) throw std::runtime_error("getrlimit failed");
  rlimit lowered = saved_;
  const rlim_t wanted = static_cast<rlim_t>(highest_open_descriptor()) + 1 + kHeadroom +
                        static_cast<rlim_t>(spare);
  if (wanted < lowered.rlim_cur) lowered.rlim_cur = wanted;
  if (setrlimit(RLIMIT_NOFILE, &lowered) != 0) throw std::runtime_error("setrlimit failed");
  lowered_ = true;
  const int source = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (source < 0) {
    release();
    throw std::runtime_error("cannot open /dev/null");
  }
  fds_.push_back(source);
  // Bounded by the lowered limit: each dup takes the lowest free slot until none is left.
  for (rlim_t i = 0; i < lowered.rlim_cur; ++i) {
    const int fd = ::fcntl(source, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) break;
    fds_.push_back(fd);
  }
  for (int i = 0; i < spare && !fds_.empty(); ++i) {
    ::close(fds_.back());
    fds_.pop_back();
  }
}

DescriptorHog::~DescriptorHog() { release(); }

void DescriptorHog::release() {
  for (const int fd : fds_) ::close(fd);
  fds_.clear();
  if (lowered_) setrlimit(RLIMIT_NOFILE, &saved_);
  lowered_ = false;
}

bool DescriptorHog::table_full() {
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::close(fd);
    return false;
  }
  return errno == EMFILE;
}

}  // namespace artemis::test_support
