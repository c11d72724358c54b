#include "store/durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace artemis::store {
namespace {

std::error_code errno_code(int e) {
  return {e, std::generic_category()};
}

}  // namespace

std::error_code sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_code(errno);
  const int rc = ::fsync(fd);
  const int e = errno;
  ::close(fd);
  return rc == 0 ? std::error_code{} : errno_code(e);
}

std::error_code write_file_durably(const std::filesystem::path& path, std::string_view contents) {
  auto tmp = path;
  tmp += ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_code(errno);
  std::error_code ec;
  for (std::size_t done = 0; done < contents.size() && !ec;) {
    const auto n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      ec = errno_code(errno);
    else
      done += static_cast<std::size_t>(n);
  }
  if (!ec && ::fdatasync(fd) != 0) ec = errno_code(errno);
  ::close(fd);
  if (!ec) std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;  // the temporary file is all there is to clean up
    std::filesystem::remove(tmp, ignored);
    return ec;
  }
  return sync_directory(path.parent_path());
}

}  // namespace artemis::store
