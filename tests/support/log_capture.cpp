#include "support/log_capture.hpp"

#include <unistd.h>

namespace artemis::test_support {

LogCapture::LogCapture(util::Level level) : file_(std::tmpfile()), logger_(file_, level) {}

LogCapture::~LogCapture() {
  if (file_ != nullptr) std::fclose(file_);
}

std::string LogCapture::text() const {
  std::string out;
  if (file_ == nullptr) return out;
  // pread leaves the stream's position alone, so a line written meanwhile still lands at the
  // end. The logger flushes every line, so nothing is left in the stream's buffer.
  const int fd = ::fileno(file_);
  char buf[4096];
  for (;;) {
    const ssize_t n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(out.size()));
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace artemis::test_support
