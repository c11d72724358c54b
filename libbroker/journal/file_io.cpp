#include "journal/file_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace artemis::journal {
namespace {

class KernelFileIo final : public FileIo {
 public:
  int pwritev(int fd, const iovec* iov, int count, off_t offset, std::size_t& written) override {
    const ssize_t w = ::pwritev(fd, iov, count, offset);
    if (w < 0) return errno;
    written = static_cast<std::size_t>(w);
    return 0;
  }
  int fdatasync(int fd) override { return ::fdatasync(fd) == 0 ? 0 : errno; }
  int fsync(int fd) override { return ::fsync(fd) == 0 ? 0 : errno; }
  int allocate(int fd, off_t length) override { return ::posix_fallocate(fd, 0, length); }
};

}  // namespace

FileIo& real_file_io() {
  static KernelFileIo io;  // no state: sharing it between journals and threads is safe
  return io;
}

}  // namespace artemis::journal
