#include "journal/journal_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <utility>

#include "journal/errors.hpp"

namespace artemis::journal {

std::string file_name(const std::string& prefix, const std::string& extension, std::uint64_t n) {
  return prefix + "-" + std::to_string(n) + "." + extension;
}

std::optional<std::uint64_t> parse_file_name(const std::string& name, const std::string& prefix,
                                             const std::string& extension) {
  const std::string head = prefix + "-";
  const std::string tail = "." + extension;
  if (name.size() <= head.size() + tail.size()) return std::nullopt;
  if (name.compare(0, head.size(), head) != 0) return std::nullopt;
  if (name.compare(name.size() - tail.size(), tail.size(), tail) != 0) return std::nullopt;
  const char* first = name.data() + head.size();
  const char* last = name.data() + name.size() - tail.size();
  std::uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(first, last, n);
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return n;
}

std::error_code sync_directory(const std::filesystem::path& dir, FileIo& io) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return {errno, std::system_category()};
  std::error_code ec;
  if (int err = io.fsync(fd); err != 0) ec = {err, std::system_category()};
  ::close(fd);
  return ec;
}

std::error_code classify_errno(int err) {
  if (err == ENOSPC || err == EFBIG || err == EDQUOT) return errc::disk_full;
  return errc::io_error;
}

JournalFile::JournalFile(JournalFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      io_(other.io_),
      path_(std::move(other.path_)),
      size_(other.size_) {}

JournalFile& JournalFile::operator=(JournalFile&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    io_ = other.io_;
    path_ = std::move(other.path_);
    size_ = other.size_;
  }
  return *this;
}

JournalFile::~JournalFile() { close(); }

void JournalFile::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::error_code JournalFile::create(const std::filesystem::path& path, std::uint64_t size,
                                    std::uint64_t seq, Sync durable, JournalFile& out,
                                    FileIo& io) {
  // Crash reasoning: until the rename the file is only <name>.tmp, which load deletes; after
  // the rename + directory sync it is a complete, zeroed, free file.
  auto tmp = path;
  tmp += ".tmp";
  const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return classify_errno(errno);
  JournalFile file;
  file.fd_ = fd;
  file.io_ = &io;
  file.path_ = tmp;
  file.size_ = size;
  auto fail = [&](int err) {
    file.close();
    ::unlink(tmp.c_str());
    return classify_errno(err);
  };
  // Reserve the blocks first so a full disk fails here, not halfway through the zero fill.
  if (int err = io.allocate(fd, static_cast<off_t>(size)); err != 0 && err != EOPNOTSUPP &&
                                                            err != EINVAL) {
    return fail(err);
  }
  std::vector<std::uint8_t> zeros(std::min<std::uint64_t>(size, 1u << 20), 0);
  encode_file_header(FileHeader{seq, FileState::free, size}, zeros.data());
  for (std::uint64_t off = 0; off < size;) {
    const auto n = std::min<std::uint64_t>(zeros.size(), size - off);
    const iovec iov{zeros.data(), static_cast<std::size_t>(n)};
    std::size_t w = 0;
    if (int err = io.pwritev(fd, &iov, 1, static_cast<off_t>(off), w); err != 0) {
      if (err == EINTR) continue;
      return fail(err);
    }
    if (w == 0) return fail(ENOSPC);
    if (off == 0) std::memset(zeros.data(), 0, kFileHeaderSize);
    off += w;
  }
  if (durable == Sync::yes) {
    if (int err = io.fsync(fd); err != 0) return fail(err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail(errno);
  file.path_ = path;
  if (durable == Sync::yes) {
    if (auto ec = sync_directory(path.parent_path(), io); ec) {
      // Whole but not known to be durable: the caller treats the name as never created.
      file.close();
      ::unlink(path.c_str());
      return classify_errno(ec.value());
    }
  }
  out = std::move(file);
  return {};
}

std::error_code JournalFile::open(const std::filesystem::path& path, JournalFile& out,
                                  FileIo& io) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return {errno, std::system_category()};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return {err, std::system_category()};
  }
  JournalFile file;
  file.fd_ = fd;
  file.io_ = &io;
  file.path_ = path;
  file.size_ = static_cast<std::uint64_t>(st.st_size);
  out = std::move(file);
  return {};
}

std::error_code JournalFile::read_all(std::vector<std::uint8_t>& out) const {
  out.resize(size_);
  return read_at(0, out);
}

std::error_code JournalFile::read_at(std::uint64_t offset, std::span<std::uint8_t> out) const {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t r = ::pread(fd_, out.data() + done, out.size() - done,
                              static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return {errno, std::system_category()};
    }
    if (r == 0) {  // shorter than expected: the rest reads as zeros (a clean end)
      std::fill(out.begin() + static_cast<std::ptrdiff_t>(done), out.end(), 0);
      break;
    }
    done += static_cast<std::size_t>(r);
  }
  return {};
}

std::error_code JournalFile::write_at(std::uint64_t offset, std::span<const iovec> iov_in) const {
  std::vector<iovec> iov(iov_in.begin(), iov_in.end());
  std::size_t first = 0;
  while (first < iov.size()) {
    const int count = static_cast<int>(std::min<std::size_t>(iov.size() - first, IOV_MAX));
    std::size_t w = 0;
    if (int err = io_->pwritev(fd_, iov.data() + first, count, static_cast<off_t>(offset), w);
        err != 0) {
      if (err == EINTR) continue;
      return classify_errno(err);
    }
    if (w == 0) return errc::disk_full;
    offset += w;
    auto left = w;
    while (first < iov.size() && left >= iov[first].iov_len) left -= iov[first++].iov_len;
    if (first < iov.size() && left > 0) {
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
      iov[first].iov_len -= left;
    }
  }
  return {};
}

std::error_code JournalFile::write_header(const FileHeader& header) const {
  std::uint8_t bytes[kFileHeaderSize];
  encode_file_header(header, bytes);
  iovec iov{bytes, kFileHeaderSize};
  return write_at(0, std::span<const iovec>(&iov, 1));
}

std::error_code JournalFile::datasync() const {
  // No retry: after a failed fdatasync Linux may already have dropped the dirty pages and
  // marked them clean, so a second call that succeeds proves nothing about the data.
  if (int err = io_->fdatasync(fd_); err != 0) return classify_errno(err);
  return {};
}

}  // namespace artemis::journal
