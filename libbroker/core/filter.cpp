// Filter: prefix handling, limits and the error text around the parser (filter_parser.cpp) and
// the evaluator (filter_eval.cpp).
#include "core/filter.hpp"

#include <fmt/core.h>

#include "core/filter_ast.hpp"
#include "util/strings.hpp"

namespace artemis::core {
namespace {

constexpr std::string_view kConvertPrefix = "convert_string_expressions:";
constexpr std::string_view kHyphenPrefix = "hyphenated_props:";
constexpr std::size_t kQuotedTextMax = 80;  // how much of the selector an error message repeats

std::string quoted(std::string_view text) {
  if (text.size() <= kQuotedTextMax) return fmt::format("selector '{}'", text);
  return fmt::format("selector '{}...' ({} characters)", text.substr(0, kQuotedTextMax),
                     text.size());
}

}  // namespace

Filter::Filter(std::string text, std::shared_ptr<const filter_detail::Node> root)
    : text_(std::move(text)), root_(std::move(root)) {}

std::string Filter::conjoin(std::string_view selector, std::string_view clause) {
  std::size_t offset = 0;
  for (;;) {
    while (offset < selector.size() && (selector[offset] == ' ' || selector[offset] == '\t')) ++offset;
    const std::string_view rest = selector.substr(offset);
    if (util::starts_with(rest, kConvertPrefix)) offset += kConvertPrefix.size();
    else if (util::starts_with(rest, kHyphenPrefix)) offset += kHyphenPrefix.size();
    else break;
  }
  const std::string_view body = selector.substr(offset);
  if (body.find_first_not_of(" \t") == std::string_view::npos)
    return fmt::format("{}({})", selector.substr(0, offset), clause);
  return fmt::format("{}({}) AND ({})", selector.substr(0, offset), body, clause);
}

std::optional<Filter> Filter::parse(std::string_view text, std::string& error) {
  if (text.size() > kMaxSelectorLength) {
    error = fmt::format("{}: longer than {} characters", quoted(text), kMaxSelectorLength);
    return std::nullopt;
  }
  filter_detail::ParseFlags flags;
  std::size_t offset = 0;
  for (;;) {
    while (offset < text.size() && (text[offset] == ' ' || text[offset] == '\t')) ++offset;
    const std::string_view rest = text.substr(offset);
    if (util::starts_with(rest, kConvertPrefix) && !flags.convert_strings) {
      flags.convert_strings = true;
      offset += kConvertPrefix.size();
    } else if (util::starts_with(rest, kHyphenPrefix) && !flags.hyphenated_props) {
      flags.hyphenated_props = true;
      offset += kHyphenPrefix.size();
    } else {
      break;
    }
  }
  std::string why;
  auto root = filter_detail::parse_expression(text.substr(offset), offset, flags, why);
  if (!root) {
    error = fmt::format("{}: {}", quoted(text), why);
    return std::nullopt;
  }
  return Filter(std::string(text), std::shared_ptr<const filter_detail::Node>(std::move(root)));
}

bool Filter::matches(const FilterContext& message) const {
  const Value v = filter_detail::evaluate(*root_, message);
  const bool* b = std::get_if<bool>(&v);
  return b != nullptr && *b;
}

}  // namespace artemis::core
