#pragma once
// 16-byte node / queue ids printed in the usual 8-4-4-4-12 lower-case form.
// Generated v1-shaped (time + random node with the multicast bit), as Artemis writes them.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace artemis::util {

struct Uuid {
  std::array<std::uint8_t, 16> bytes{};
  bool operator==(const Uuid&) const = default;
  std::string to_string() const;
  bool is_nil() const;
  static Uuid generate();  // v1-shaped, random node id
  static std::optional<Uuid> parse(std::string_view text);
};

}  // namespace artemis::util
