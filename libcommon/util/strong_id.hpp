#pragma once
// Strong types for ids so a queue id can never be passed where a message id is expected.
#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>

namespace artemis::util {

template <class Tag, class Rep = std::uint64_t>
struct StrongId {
  Rep value{};
  constexpr StrongId() = default;
  constexpr explicit StrongId(Rep v) : value(v) {}
  constexpr auto operator<=>(const StrongId&) const = default;
  friend std::ostream& operator<<(std::ostream& os, StrongId id) { return os << id.value; }
};

}  // namespace artemis::util

template <class Tag, class Rep>
struct std::hash<artemis::util::StrongId<Tag, Rep>> {
  std::size_t operator()(artemis::util::StrongId<Tag, Rep> id) const noexcept {
    return std::hash<Rep>{}(id.value);
  }
};

namespace artemis {
using MessageId = util::StrongId<struct MessageIdTag>;
using QueueId = util::StrongId<struct QueueIdTag>;
using AddressId = util::StrongId<struct AddressIdTag>;
using TxId = util::StrongId<struct TxIdTag>;
}  // namespace artemis
