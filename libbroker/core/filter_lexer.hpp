#pragma once
// Selector tokens. Internal to filter_*.cpp. The lexer turns the whole expression into a token
// vector up front (bounded by Filter::kMaxSelectorLength), so the parser never re-reads text.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace artemis::core::filter_detail {

enum class Tok {
  end, identifier, string, number,
  lparen, rparen, comma,
  eq, ne, lt, gt, le, ge, plus, minus, star, slash,
  kw_and, kw_or, kw_not, kw_between, kw_in, kw_like, kw_escape, kw_is, kw_null, kw_true,
  kw_false,
};

struct Token {
  Tok kind = Tok::end;
  std::string text;      // identifier name, string contents (quotes removed), number text
  std::size_t pos = 0;   // offset in the full selector text
};

// Returns false and sets `error` ("unterminated string literal at position 4") on bad input.
bool lex(std::string_view expr, std::size_t offset, bool hyphenated_props,
         std::vector<Token>& out, std::string& error);

std::string_view describe(Tok kind);  // "')'", "AND", "a string", ... for error messages

}  // namespace artemis::core::filter_detail
