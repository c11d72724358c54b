#include "store/durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "journal/journal_file.hpp"

namespace artemis::store {

std::error_code write_all(int fd, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const char*>(data);
  for (std::size_t done = 0; done < size;) {
    const auto n = ::write(fd, bytes + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return {errno, std::generic_category()};
    done += static_cast<std::size_t>(n);
  }
  return {};
}

std::error_code write_file_durably(const std::filesystem::path& path, std::string_view contents) {
  auto tmp = path;
  tmp += ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return {errno, std::generic_category()};
  std::error_code ec = write_all(fd, contents.data(), contents.size());
  if (!ec && ::fdatasync(fd) != 0) ec = {errno, std::generic_category()};
  ::close(fd);
  if (!ec) std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;  // the temporary file is all there is to clean up
    std::filesystem::remove(tmp, ignored);
    return ec;
  }
  return journal::sync_directory(path.parent_path());
}

}  // namespace artemis::store
