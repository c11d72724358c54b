// File and directory creation for `artemis create` (main thread only).
#include "create_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "create_error.hpp"

namespace artemis::cli {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail_io(const fs::path& path, const char* what, int err) {
  throw CreateError("Unable to " + std::string(what) + " '" + path.string() +
                        "': " + std::strerror(err),
                    Usage::no);
}

}  // namespace

void make_directory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw CreateError("Unable to create the path '" + dir.string() + "'.", Usage::yes);
}

void write_instance_file(const fs::path& path, std::string_view content, Overwrite overwrite,
                         FileMode mode) {
  std::error_code ec;
  if (overwrite == Overwrite::no && fs::exists(fs::symlink_status(path, ec)))
    throw CreateError("The file '" + path.string() + "' already exists.  Use --force to overwrite.",
                      Usage::no);
  fs::path tmp = path;
  tmp += ".tmp";
  mode_t perms = mode == FileMode::executable ? 0755 : 0644;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, perms);
  if (fd < 0) fail_io(tmp, "create", errno);
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail_io(tmp, "write", err);
    }
    done += static_cast<std::size_t>(n);
  }
  // The umask may have cleared bits of `perms`; scripts must be runnable by their owner.
  if (mode == FileMode::executable) ::fchmod(fd, 0755);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail_io(tmp, "write", err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail_io(path, "write", err);
  }
}

}  // namespace artemis::cli
