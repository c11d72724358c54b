#include "store/page_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <fstream>

#include "store/bytes.hpp"

namespace artemis::store {
namespace {

void put_u32(std::vector<std::uint8_t>& out, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

std::uint64_t get_u64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

std::uint32_t get_u32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}

constexpr std::size_t header_fixed = 8 + 1 + 4;  // tx_id, flags, queue_count

// The header of one payload; nullopt when the payload is too short for what it announces.
std::optional<PagedHeader> header_of(std::span<const std::uint8_t> payload) {
  if (payload.size() < header_fixed) return std::nullopt;
  PagedHeader h;
  h.tx_id = static_cast<std::int64_t>(get_u64(payload.data()));
  h.durable = (payload[8] & 1) != 0;
  h.large = (payload[8] & 2) != 0;
  const std::uint64_t count = get_u32(payload.data() + 9);
  const std::size_t large_bytes = h.large ? 8 : 0;
  if (count * 8 + large_bytes > payload.size() - header_fixed) return std::nullopt;
  h.queue_ids = payload.subspan(header_fixed, count * 8);
  h.message_offset = header_fixed + count * 8 + large_bytes;
  if (h.large) h.large_size = get_u64(payload.data() + header_fixed + count * 8);
  return h;
}

}  // namespace

std::uint64_t PagedHeader::queue_id(std::size_t i) const {
  return get_u64(&queue_ids[i * 8]);
}

void encode_page_record(std::int64_t tx_id, std::span<const std::uint64_t> queue_ids,
                        const MessageRecord& m, std::vector<std::uint8_t>& out) {
  std::vector<std::uint8_t> head;
  encode_head_into(m, head);
  const std::size_t start = out.size();
  out.reserve(start + 14 + header_fixed + queue_ids.size() * 8 + head.size() + m.body.size());
  out.push_back(page_record_start);
  out.resize(out.size() + 4);  // the length, known at the end
  ByteWriter fields(header_fixed + queue_ids.size() * 8 + 8);
  fields.i64(tx_id);
  fields.u8(static_cast<std::uint8_t>((m.durable ? 1 : 0) | (m.large_body_size ? 2 : 0)));
  fields.u32(static_cast<std::uint32_t>(queue_ids.size()));
  for (auto q : queue_ids) fields.u64(q);
  if (m.large_body_size) fields.u64(*m.large_body_size);
  out.insert(out.end(), fields.bytes().begin(), fields.bytes().end());
  out.insert(out.end(), head.begin(), head.end());
  out.insert(out.end(), m.body.begin(), m.body.end());
  put_u32(out, start + 1, static_cast<std::uint32_t>(out.size() - start - 5));
  out.push_back(page_record_end);
}

PageScan scan_page(
    std::span<const std::uint8_t> bytes,
    const std::function<bool(const PagedHeader&, std::span<const std::uint8_t>)>& fn) {
  PageScan scan;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const auto rest = bytes.size() - pos;
    if (rest < 6 || bytes[pos] != page_record_start) break;
    const std::size_t len = get_u32(&bytes[pos + 1]);
    if (len > rest - 6 || bytes[pos + 5 + len] != page_record_end) break;
    const auto payload = bytes.subspan(pos + 5, len);
    auto h = header_of(payload);
    if (!h) break;
    h->record_bytes = len + 6;
    pos += len + 6;
    ++scan.records;
    scan.valid_bytes = pos;
    if (!fn(*h, payload)) return scan;
  }
  scan.suspect = pos < bytes.size();
  return scan;
}

std::optional<PagedMessage> decode_paged_message(std::span<const std::uint8_t> payload) {
  const auto h = header_of(payload);
  if (!h) return std::nullopt;
  auto m = decode_message(payload.subspan(h->message_offset));
  if (!m) return std::nullopt;
  if (h->large) m->large_body_size = h->large_size;
  PagedMessage pm;
  pm.tx_id = h->tx_id;
  pm.queue_ids.reserve(h->queue_count());
  for (std::size_t i = 0; i < h->queue_count(); ++i) pm.queue_ids.push_back(h->queue_id(i));
  pm.message = std::move(*m);
  return pm;
}

PageFileReader::~PageFileReader() {
  close();
}

PageFileReader::PageFileReader(PageFileReader&& o) noexcept
    : fd_(o.fd_), buffer_(std::move(o.buffer_)), buffer_offset_(o.buffer_offset_) {
  o.fd_ = -1;
}

PageFileReader& PageFileReader::operator=(PageFileReader&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    buffer_ = std::move(o.buffer_);
    buffer_offset_ = o.buffer_offset_;
    o.fd_ = -1;
  }
  return *this;
}

std::error_code PageFileReader::open(const std::filesystem::path& path) {
  close();
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return {errno, std::generic_category()};
  return {};
}

void PageFileReader::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
  buffer_.shrink_to_fit();
  buffer_offset_ = 0;
}

bool PageFileReader::fill(std::uint64_t offset, std::size_t need) {
  if (offset >= buffer_offset_ && offset + need <= buffer_offset_ + buffer_.size()) return true;
  constexpr std::size_t chunk = 128 * 1024;
  buffer_.resize(std::max(chunk, need));
  std::size_t have = 0;
  while (have < buffer_.size()) {
    const auto n = ::pread(fd_, buffer_.data() + have, buffer_.size() - have,
                           static_cast<off_t>(offset + have));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    have += static_cast<std::size_t>(n);
  }
  buffer_.resize(have);
  buffer_offset_ = offset;
  return have >= need;
}

std::optional<PageFileReader::Record> PageFileReader::read(std::uint64_t offset) {
  if (fd_ < 0 || !fill(offset, 5)) return std::nullopt;
  const auto* at = buffer_.data() + (offset - buffer_offset_);
  if (at[0] != page_record_start) return std::nullopt;
  const std::size_t len = get_u32(at + 1);
  if (!fill(offset, len + 6)) return std::nullopt;
  at = buffer_.data() + (offset - buffer_offset_);
  if (at[5 + len] != page_record_end) return std::nullopt;
  const std::span<const std::uint8_t> payload(at + 5, len);
  auto h = header_of(payload);
  if (!h) return std::nullopt;
  h->record_bytes = len + 6;
  return Record{*h, payload};
}

std::string paging_folder_name(std::uint64_t store_id) {
  char name[32];
  std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(store_id));
  return name;
}

std::optional<std::uint64_t> paging_store_id(const std::string& folder_name) {
  if (folder_name.size() != 16) return std::nullopt;
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(folder_name.data(), folder_name.data() + 16, id, 16);
  if (ec != std::errc{} || end != folder_name.data() + 16 || id == 0) return std::nullopt;
  return id;
}

std::string paging_store_address(const std::filesystem::path& folder) {
  std::ifstream in(folder / "address.txt");
  std::string line;
  std::getline(in, line);
  return line;
}

std::string page_file_name(std::uint32_t number) {
  char name[32];
  std::snprintf(name, sizeof name, "%09u.page", number);
  return name;
}

std::optional<std::uint32_t> page_number_of(const std::string& file_name) {
  constexpr std::string_view suffix = ".page";
  if (file_name.size() <= suffix.size() || !file_name.ends_with(suffix)) return std::nullopt;
  const auto digits = std::string_view(file_name).substr(0, file_name.size() - suffix.size());
  std::uint32_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size() || n == 0) return std::nullopt;
  return n;
}

std::error_code read_file(const std::filesystem::path& path, std::vector<std::uint8_t>& out) {
  out.clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {errno, std::generic_category()};
  std::error_code ec;
  struct stat st {};
  if (::fstat(fd, &st) == 0) out.reserve(static_cast<std::size_t>(st.st_size));
  std::size_t have = 0;
  for (;;) {
    out.resize(std::max(out.capacity(), have + (std::size_t{1} << 16)));
    const auto n = ::read(fd, out.data() + have, out.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ec = {errno, std::generic_category()};
      break;
    }
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  out.resize(have);
  ::close(fd);
  return ec;
}

}  // namespace artemis::store
