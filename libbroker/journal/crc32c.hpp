#pragma once
// CRC32C (Castagnoli). Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at
// run time), a table otherwise; both give identical results. Thread-safe, no state.
#include <cstddef>
#include <cstdint>
#include <span>

namespace artemis::journal {

// Continues a CRC: crc32c_extend(crc32c_extend(s, a), b) == crc32c_extend(s, a+b).
// The seed/result are the finalised (xor-ed) values, so crc32c_extend(0, data) is plain CRC32C.
std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t size) noexcept;
inline std::uint32_t crc32c(std::span<const std::uint8_t> data) noexcept {
  return crc32c_extend(0, data.data(), data.size());
}
// Which implementation runs (for tests and benchmarks).
bool crc32c_hardware() noexcept;
std::uint32_t crc32c_extend_portable(std::uint32_t crc, const void* data, std::size_t size) noexcept;

}  // namespace artemis::journal
