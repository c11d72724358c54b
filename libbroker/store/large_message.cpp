#include "store/large_message.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace artemis::store {

namespace {
constexpr std::string_view kSuffix = ".msg";
}

std::string large_message_file_name(std::uint64_t id) {
  return std::to_string(id).append(kSuffix);
}

std::optional<std::uint64_t> large_message_id_of(const std::string& file_name) {
  const std::string_view name(file_name);
  if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix)) return std::nullopt;
  const auto digits = name.substr(0, name.size() - kSuffix.size());
  std::uint64_t id = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || id == 0) return std::nullopt;
  return id;
}

std::filesystem::path large_message_path(const std::filesystem::path& directory, std::uint64_t id) {
  return directory / large_message_file_name(id);
}

std::shared_ptr<LargeBody> recorded_large_body(const std::filesystem::path& directory,
                                               std::uint64_t id, std::uint64_t size) {
  auto body = std::make_shared<LargeBody>(large_message_path(directory, id), id, size);
  body->keep(true);
  return body;
}

LargeBody::~LargeBody() {
  if (kept_) return;
  std::error_code ec;  // already gone is as good as removed
  std::filesystem::remove(path_, ec);
}

LargeBodyReader::~LargeBodyReader() {
  if (fd_ >= 0) ::close(fd_);
}

std::error_code LargeBodyReader::open(const std::filesystem::path& path) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return {errno, std::generic_category()};
  return {};
}

std::size_t LargeBodyReader::read(std::uint64_t offset, std::span<char> out, std::error_code& ec) {
  std::size_t done = 0;
  while (done < out.size()) {
    const auto n =
        ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ec = {errno, std::generic_category()};
      return done;
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  ec.clear();
  return done;
}

std::error_code read_large_body(const LargeBody& body, std::string& out) {
  LargeBodyReader reader;
  if (auto ec = reader.open(body.path())) return ec;
  out.resize(body.size());
  std::error_code ec;
  const auto n = reader.read(0, {out.data(), out.size()}, ec);
  if (ec) return ec;
  if (n != out.size()) return std::make_error_code(std::errc::io_error);  // shorter than recorded
  return {};
}

}  // namespace artemis::store
