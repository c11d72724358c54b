#pragma once
// DescriptorHog: uses up this process's file descriptors, as a broker with too many clients
// does, so a test can check what still works at EMFILE and what recovers once descriptors are
// free again.
//
// It lowers the soft RLIMIT_NOFILE to a little above the highest descriptor open now (filling
// a limit of a million would take seconds and memory), then duplicates a /dev/null descriptor
// until the kernel says EMFILE. release() (or the destructor) closes them and puts the limit
// back. Other threads of the test process get EMFILE meanwhile too: that is the point.
#include <sys/resource.h>

#include <cstddef>
#include <vector>

namespace artemis::test_support {

class DescriptorHog {
 public:
  // Leaves `spare` descriptors free, for a test that must open a few after the table is full.
  explicit DescriptorHog(int spare = 0);
  ~DescriptorHog();
  DescriptorHog(const DescriptorHog&) = delete;
  DescriptorHog& operator=(const DescriptorHog&) = delete;

  // Closes the fillers and restores the limit; idempotent.
  void release();
  std::size_t held() const { return fds_.size(); }
  // True if opening a descriptor now fails with EMFILE (checked with a real open).
  static bool table_full();

 private:
  std::vector<int> fds_;
  rlimit saved_{};
  bool lowered_ = false;
};

}  // namespace artemis::test_support
