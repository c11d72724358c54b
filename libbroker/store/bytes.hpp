#pragma once
// Big-endian fixed-layout writer/reader for record bodies. The reader never reads past its
// span: every get_* checks the remaining size and a failed read latches ok() == false, so a
// damaged record decodes to an error, never to garbage or a crash.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace artemis::store {

class ByteWriter {
 public:
  ByteWriter() = default;
  // Reserving the encoded size up front spares a record one reallocation per doubling.
  explicit ByteWriter(std::size_t expected_size) { out_.reserve(expected_size); }
  // Writes into `reuse` (cleared, capacity kept); take it back with bytes().
  ByteWriter(std::vector<std::uint8_t>&& reuse, std::size_t expected_size) : out_(std::move(reuse)) {
    out_.clear();
    out_.reserve(expected_size);
  }
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v);
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void str(std::string_view s);  // u32 length + bytes
  std::vector<std::uint8_t>& bytes() { return out_; }

 private:
  std::vector<std::uint8_t> out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> in) : in_(in) {}
  std::uint8_t u8();
  std::uint16_t u16();
  std::uint32_t u32();
  std::uint64_t u64();
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  std::string str();
  // str() without the copy: a view into the input (empty after a failed read).
  std::string_view str_view();
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  bool take(std::size_t n);
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace artemis::store
