#pragma once
// Filter: a parsed message selector (SQL-92 subset of JMS selectors), used for queue filters,
// consumer selectors and management filters.
//
// Syntax: literals ('text' with '' for a quote, 42, 42L, 0x2A, 1.5, 1e3, TRUE, FALSE), identifiers
// (letters, digits, '_', '$', '.'; "double quoted" for anything else, e.g. "m.x-opt-foo"),
// parentheses, AND / OR / NOT (SQL three-valued logic: a missing property is NULL, a comparison
// with NULL is UNKNOWN, only TRUE selects), = <> < > <= >=, + - * / (unary + -),
// [NOT] BETWEEN a AND b, [NOT] IN ('a', 'b'), [NOT] LIKE 'pat%_' [ESCAPE 'c'], IS [NOT] NULL.
// Keywords are case-insensitive; identifiers are case-sensitive.
//
// Header identifiers the context must answer (FilterContext::get):
//   AMQUserID (string), AMQAddress (string), AMQGroupID (string), AMQPriority (int),
//   AMQExpiration (int, epoch ms, 0 = never), AMQDurable ('DURABLE' / 'NON_DURABLE'),
//   AMQTimestamp (int, epoch ms), AMQSize (int, encoded size in bytes).
// JMS names are rewritten at parse time: JMSPriority -> AMQPriority, JMSTimestamp ->
// AMQTimestamp, JMSMessageID -> AMQUserID, JMSExpiration -> AMQExpiration, JMSXGroupID ->
// AMQGroupID, JMSDeliveryMode -> AMQDurable (and a literal 'PERSISTENT' / 'NON_PERSISTENT'
// compared with it becomes 'DURABLE' / 'NON_DURABLE'). Every other identifier is a message
// property.
//
// Strings are not coerced to numbers: `count > 5` is UNKNOWN when count is the string '7'.
// Prefixes (written before the expression, combinable in either order):
//   convert_string_expressions:  numeric comparisons and arithmetic convert string operands
//                                that parse as numbers ('7' > 5 is TRUE);
//   hyphenated_props:            '-' is allowed inside identifiers (my-header = 'x').
// STOMP: every header a STOMP client sends arrives as a string property, so a STOMP selector
// like `count > 5` would never match. The STOMP session therefore turns conversion ON by
// default: it prefixes the SUBSCRIBE `selector` with `convert_string_expressions:` (unless the
// client already wrote it). The prefixed text is what becomes the queue filter of a durable
// subscription, so the behaviour survives a restart. This differs from Artemis, which requires
// the client to write the prefix; it changes no result for typed (non-string) properties.
//
// Hostile input is bounded: at most kMaxSelectorLength characters, kMaxNesting levels of
// parentheses / NOT / unary operators, kMaxNodes tree nodes; beyond that parse() returns an
// error, never recursing deeper. XPATH / XQUERY selectors are refused with an error.
//
// A Filter is immutable and cheap to copy (it shares its tree). Thread: any; matches() keeps
// no state.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace artemis::core {

// std::monostate is SQL NULL.
using Value = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

// What a filter reads from a message. The core adapts its Message to this interface.
class FilterContext {
 public:
  virtual ~FilterContext() = default;
  // The value of a header identifier (AMQ...) or property; nullopt (or a null Value) when
  // absent.
  virtual std::optional<Value> get(std::string_view identifier) const = 0;
};

namespace filter_detail {
struct Node;
}

class Filter {
 public:
  static constexpr std::size_t kMaxSelectorLength = 64 * 1024;
  static constexpr int kMaxNesting = 100;
  static constexpr std::size_t kMaxNodes = 10'000;

  // Parses `text`. On failure returns nullopt and sets `error` to what went wrong and where:
  // "selector 'x >': expected a value at position 3". An empty (or blank) selector is an error;
  // callers treat "no selector" as "no filter" before calling.
  static std::optional<Filter> parse(std::string_view text, std::string& error);

  // `selector AND (clause)`, keeping the selector's leading prefixes in front; just the clause
  // when the selector is empty.
  static std::string conjoin(std::string_view selector, std::string_view clause);

  // True only if the selector evaluates to TRUE (FALSE and UNKNOWN do not select).
  bool matches(const FilterContext& message) const;

  // The text as given (with its prefixes), for persistence and for display.
  const std::string& text() const { return text_; }

 private:
  Filter(std::string text, std::shared_ptr<const filter_detail::Node> root);
  std::string text_;
  std::shared_ptr<const filter_detail::Node> root_;
};

}  // namespace artemis::core
