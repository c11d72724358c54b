#include "config/substitute.hpp"

#include <fmt/core.h>

namespace artemis::config {

Substituted substitute(std::string_view text, const Environment& env) {
  Substituted out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto dollar = text.find("${", pos);
    if (dollar == std::string_view::npos) {
      out.text.append(text.substr(pos));
      break;
    }
    out.text.append(text.substr(pos, dollar - pos));
    const auto close = text.find('}', dollar + 2);
    if (close == std::string_view::npos) {
      out.error = fmt::format("'{}' has '${{' without a closing '}}' (write ${{name}} or ${{name:default}})",
                              text.substr(dollar));
      return out;
    }
    const auto inner = text.substr(dollar + 2, close - dollar - 2);
    const auto colon = inner.find(':');
    const auto name = inner.substr(0, colon);
    if (name.empty()) {
      out.error = fmt::format("'${{{}}}' has no variable name (write ${{name}} or ${{name:default}})",
                              inner);
      return out;
    }
    if (auto value = env ? env(name) : std::nullopt) {
      out.text.append(*value);
    } else if (colon != std::string_view::npos) {
      out.text.append(inner.substr(colon + 1));
    } else {
      out.error = fmt::format(
          "${{{0}}} is not set in the environment (set {0}, or give a default: ${{{0}:value}})", name);
      return out;
    }
    pos = close + 1;
  }
  return out;
}

}  // namespace artemis::config
