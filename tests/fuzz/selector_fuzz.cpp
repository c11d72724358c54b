// libFuzzer target for selector filters (core/filter.hpp). Properties checked on every input:
//  - parsing never crashes or recurses without bound, whatever the nesting;
//  - a refused selector always gets an error that says where ("at position N");
//  - an accepted selector evaluates without crashing against messages with and without the
//    properties it names (strings, numbers, booleans, NULL), and gives the same answer twice.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "core/filter.hpp"

using artemis::core::Filter;
using artemis::core::FilterContext;
using artemis::core::Value;

namespace {

// Answers every identifier with a value chosen by a hash of its name and a variant number, so
// identifiers the fuzzer invents get all kinds of values.
struct HashedContext : FilterContext {
  int variant;
  explicit HashedContext(int v) : variant(v) {}
  std::optional<Value> get(std::string_view id) const override {
    std::size_t h = std::hash<std::string_view>{}(id) + static_cast<std::size_t>(variant);
    switch (h % 7) {
      case 0: return std::nullopt;
      case 1: return Value(std::monostate{});
      case 2: return Value(static_cast<bool>(h & 8));
      case 3: return Value(static_cast<std::int64_t>(h % 21) - 10);
      case 4: return Value(static_cast<double>(h % 1000) / 7.0);
      case 5: return Value(std::string(id));
      default: return Value(std::to_string(h % 100));
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto filter = Filter::parse(text, error);
  if (!filter) {
    if (error.empty() || error.find("selector '") != 0) std::abort();
    if (text.size() <= Filter::kMaxSelectorLength && error.find("at position") == std::string::npos)
      std::abort();
    return 0;
  }
  if (filter->text() != text) std::abort();
  for (int variant = 0; variant < 4; ++variant) {
    HashedContext ctx(variant);
    const bool first = filter->matches(ctx);
    if (filter->matches(ctx) != first) std::abort();
  }
  return 0;
}
