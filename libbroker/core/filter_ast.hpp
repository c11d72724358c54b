#pragma once
// The parsed form of a selector (see filter.hpp). Internal to filter_*.cpp: built by the parser,
// read by the evaluator, never changed after parsing.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/filter.hpp"

namespace artemis::core::filter_detail {

enum class Op : std::uint8_t {
  literal,     // value
  identifier,  // name
  logical_and, logical_or,  // n-ary: children (so long AND/OR chains stay shallow)
  logical_not,
  eq, ne, lt, gt, le, ge,      // children[0] op children[1]
  add, sub, mul, div, negate,  // negate: children[0]
  between,                     // children[0] BETWEEN children[1] AND children[2]
  in,                          // children[0] IN list
  like,                        // children[0] LIKE pattern [ESCAPE escape]
  is_null,                     // children[0] IS NULL
};

struct Node {
  Op op = Op::literal;
  bool negated = false;           // NOT BETWEEN / NOT IN / NOT LIKE / IS NOT NULL
  bool convert_strings = false;   // convert_string_expressions: for comparisons and arithmetic
  int depth = 1;                  // height of this subtree, bounded by the parser
  Value value;                    // literal
  std::string name;               // identifier
  std::vector<std::unique_ptr<Node>> children;
  std::vector<Value> list;        // IN
  std::string pattern;            // LIKE
  std::optional<char> escape;     // LIKE ... ESCAPE 'c'
};

struct ParseFlags {
  bool convert_strings = false;
  bool hyphenated_props = false;
};

// Parses `expr` (the selector without its prefixes). `offset` is where `expr` starts in the
// full text, so positions in errors refer to what the user wrote. On failure returns nullptr
// and sets `error` to "<what> at position <n>".
std::unique_ptr<Node> parse_expression(std::string_view expr, std::size_t offset, ParseFlags flags,
                                       std::string& error);

// Three-valued evaluation: returns bool for TRUE/FALSE, std::monostate for NULL/UNKNOWN.
Value evaluate(const Node& node, const FilterContext& ctx);

// SQL LIKE on bytes, '_' matching one UTF-8 character. Iterative: no recursion on hostile
// patterns.
bool like_matches(std::string_view pattern, std::optional<char> escape, std::string_view text);

}  // namespace artemis::core::filter_detail
