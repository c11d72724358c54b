#include "store/bytes.hpp"

#include <cstring>

namespace artemis::store {

namespace {

// Big-endian bytes of v, appended with one insert: a push_back per byte checks capacity eight
// times, and every record header is mostly such fields.
template <class T>
void put_be(std::vector<std::uint8_t>& out, T v) {
  std::uint8_t b[sizeof v];
  for (std::size_t i = 0; i < sizeof v; ++i)
    b[i] = static_cast<std::uint8_t>(v >> (8 * (sizeof v - 1 - i)));
  out.insert(out.end(), b, b + sizeof v);
}

}  // namespace

void ByteWriter::u16(std::uint16_t v) { put_be(out_, v); }

void ByteWriter::u32(std::uint32_t v) { put_be(out_, v); }

void ByteWriter::u64(std::uint64_t v) { put_be(out_, v); }

void ByteWriter::str(std::string_view s) {
  u32(static_cast<std::uint32_t>(s.size()));
  // One memcpy: inserting chars into a byte vector converts (and copies) them one by one.
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  out_.insert(out_.end(), p, p + s.size());
}

bool ByteReader::take(std::size_t n) {
  if (!ok_ || in_.size() - pos_ < n) {
    ok_ = false;
    return false;
  }
  return true;
}

std::uint8_t ByteReader::u8() {
  if (!take(1)) return 0;
  return in_[pos_++];
}

std::uint16_t ByteReader::u16() {
  if (!take(2)) return 0;
  const auto v = static_cast<std::uint16_t>((in_[pos_] << 8) | in_[pos_ + 1]);
  pos_ += 2;
  return v;
}

std::uint32_t ByteReader::u32() {
  if (!take(4)) return 0;
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | in_[pos_++];
  return v;
}

std::uint64_t ByteReader::u64() {
  if (!take(8)) return 0;
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in_[pos_++];
  return v;
}

std::string ByteReader::str() { return std::string(str_view()); }

std::string_view ByteReader::str_view() {
  const std::uint32_t n = u32();
  if (!take(n)) return {};
  std::string_view s(reinterpret_cast<const char*>(in_.data() + pos_), n);
  pos_ += n;
  return s;
}

}  // namespace artemis::store
