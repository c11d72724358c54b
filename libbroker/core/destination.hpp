#pragma once
// Destination: an address, optionally narrowed to one queue with the fully qualified queue
// name syntax `address::queue` (reference §1.4).
//   "orders"            -> {address "orders"}
//   "events::c1.sub1"   -> {address "events", queue "c1.sub1"}
#include <optional>
#include <string>
#include <string_view>

namespace artemis::core {

struct Destination {
  std::string address;
  std::optional<std::string> queue;

  static Destination parse(std::string_view name);
  bool fqqn() const { return queue.has_value(); }
  std::string to_string() const { return queue ? address + "::" + *queue : address; }
};

inline Destination Destination::parse(std::string_view name) {
  const auto pos = name.find("::");
  if (pos == std::string_view::npos) return {std::string(name), std::nullopt};
  return {std::string(name.substr(0, pos)), std::string(name.substr(pos + 2))};
}

}  // namespace artemis::core
