#pragma once
// PackedBytes: a byte buffer that keeps up to kInline bytes in itself. A queued message's
// property set is most often one short entry (the connection id a protocol stamps on every
// message), which std::string's 15 inline bytes cannot hold, so every message paid a 32-byte
// heap block for it; here it costs nothing beyond the 32 bytes of the object. Sizes are 32-bit:
// a property set is bounded by the frame that carried it.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace artemis::store {

class PackedBytes {
 public:
  static constexpr std::size_t kInline = 24;

  PackedBytes() = default;
  PackedBytes(const PackedBytes& o) { assign(o.view()); }
  PackedBytes(PackedBytes&& o) noexcept { take(o); }
  PackedBytes& operator=(const PackedBytes& o) {
    if (this != &o) assign(o.view());
    return *this;
  }
  PackedBytes& operator=(PackedBytes&& o) noexcept {
    if (this != &o) {
      release();
      take(o);
    }
    return *this;
  }
  ~PackedBytes() { release(); }

  const char* data() const { return on_heap() ? heap_ : inline_; }
  char* data() { return on_heap() ? heap_ : inline_; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  char operator[](std::size_t i) const { return data()[i]; }
  std::string_view view() const { return {data(), size_}; }
  operator std::string_view() const { return view(); }

  // Room for `n` bytes in all, taken exactly: a caller that knows the final size grows once.
  void reserve(std::size_t n) {
    if (n > capacity_) regrow(n);
  }
  void append(std::string_view s) {
    if (s.empty()) return;
    const std::size_t n = checked_size(size_ + s.size());
    if (n > capacity_) regrow(std::max(n, std::size_t{capacity_} * 2));
    std::memcpy(data() + size_, s.data(), s.size());
    size_ = static_cast<std::uint32_t>(n);
  }
  void push_back(char c) { append(std::string_view(&c, 1)); }
  void assign(std::string_view s) {
    size_ = 0;
    reserve(s.size());
    append(s);
  }
  // Keeps the first n bytes (n <= size()).
  void truncate(std::size_t n) {
    size_ = static_cast<std::uint32_t>(std::min(n, std::size_t{size_}));
  }
  // Removes n bytes from pos (pos + n <= size()).
  void erase(std::size_t pos, std::size_t n) {
    char* d = data();
    std::memmove(d + pos, d + pos + n, size_ - pos - n);
    size_ -= static_cast<std::uint32_t>(n);
  }
  // Back inline when the bytes fit there, else a heap block of exactly size() bytes.
  void shrink_to_fit() {
    if (on_heap() && size_ != capacity_) regrow(size_);
  }

 private:
  bool on_heap() const { return capacity_ > kInline; }
  static std::size_t checked_size(std::size_t n) {
    if (n > std::numeric_limits<std::uint32_t>::max())
      throw std::length_error("property set larger than 4 GiB");
    return n;
  }
  // Moves the bytes to storage of max(n, kInline) bytes.
  void regrow(std::size_t n) {
    n = checked_size(n);
    if (n <= kInline) {
      if (!on_heap()) return;
      char* old = heap_;
      std::memcpy(inline_, old, size_);
      delete[] old;
      capacity_ = kInline;
      return;
    }
    char* fresh = new char[n];
    std::memcpy(fresh, data(), size_);
    release();
    heap_ = fresh;
    capacity_ = static_cast<std::uint32_t>(n);
  }
  void release() {
    if (on_heap()) delete[] heap_;
    capacity_ = kInline;
  }
  // Takes o's bytes; o is left empty (and inline).
  void take(PackedBytes& o) noexcept {
    size_ = o.size_;
    capacity_ = o.capacity_;
    if (o.on_heap()) {
      heap_ = o.heap_;
    } else {
      std::memcpy(inline_, o.inline_, o.size_);
    }
    o.size_ = 0;
    o.capacity_ = kInline;
  }

  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = kInline;  // more than kInline: the bytes are in heap_
  union {
    char* heap_;
    char inline_[kInline];
  };
};

}  // namespace artemis::store
