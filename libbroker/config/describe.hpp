#pragma once
// The effective configuration as a tree of named values, in broker.xml's own element names,
// after substitution, defaults and path resolution. `artemis config print` writes it as text
// (YAML-like, via operator<<) or JSON; logs and test failures print BrokerConfig through it too.
#include <cstdint>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "config/broker_config.hpp"

namespace artemis::config {

struct ConfigNode {
  enum class Kind { value, object, list };
  using Value = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

  std::string key;  // empty for list items
  Kind kind = Kind::value;
  Value value;      // std::monostate = not set (printed as "unset" / null)
  std::vector<ConfigNode> children;
};

ConfigNode describe(const BrokerConfig& c);
// Indented text: "key: value" lines, list items as "- ".
void print_text(std::ostream& os, const ConfigNode& node, int indent = 0);

}  // namespace artemis::config
