#include "util/uuid.hpp"

#include <fmt/core.h>

#include <chrono>
#include <random>

namespace artemis::util {

std::string Uuid::to_string() const {
  const auto& b = bytes;
  return fmt::format(
      "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-"
      "{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
      b[14], b[15]);
}

bool Uuid::is_nil() const {
  for (auto b : bytes)
    if (b != 0) return false;
  return true;
}

Uuid Uuid::generate() {
  // 100 ns intervals since 1582-10-15, as RFC 4122 version 1 counts time.
  constexpr std::uint64_t gregorian_offset = 0x01B21DD213814000ULL;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const std::uint64_t ts =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() /
                                 100) +
      gregorian_offset;
  std::random_device rd;
  std::mt19937_64 rng((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
  Uuid u;
  const std::uint32_t time_low = static_cast<std::uint32_t>(ts);
  const std::uint16_t time_mid = static_cast<std::uint16_t>(ts >> 32);
  const std::uint16_t time_hi = static_cast<std::uint16_t>((ts >> 48) & 0x0FFF) | 0x1000;
  u.bytes[0] = time_low >> 24;
  u.bytes[1] = time_low >> 16;
  u.bytes[2] = time_low >> 8;
  u.bytes[3] = time_low;
  u.bytes[4] = time_mid >> 8;
  u.bytes[5] = time_mid;
  u.bytes[6] = time_hi >> 8;
  u.bytes[7] = time_hi;
  const std::uint64_t r = rng();
  u.bytes[8] = static_cast<std::uint8_t>(((r >> 56) & 0x3F) | 0x80);  // variant 10
  u.bytes[9] = static_cast<std::uint8_t>(r >> 48);
  for (int i = 0; i < 6; ++i) u.bytes[10 + i] = static_cast<std::uint8_t>(r >> (8 * i));
  u.bytes[10] |= 0x01;  // multicast bit: a random node id, not a MAC
  return u;
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
  Uuid u;
  int n = 0;
  int half = -1;
  for (char c : text) {
    if (c == '-') continue;
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else return std::nullopt;
    if (half < 0) {
      half = v;
    } else {
      if (n >= 16) return std::nullopt;
      u.bytes[n++] = static_cast<std::uint8_t>(half * 16 + v);
      half = -1;
    }
  }
  if (n != 16 || half >= 0) return std::nullopt;
  return u;
}

}  // namespace artemis::util
