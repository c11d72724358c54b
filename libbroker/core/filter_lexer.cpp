// Selector lexer: one pass over the text, no allocation beyond the token vector.
#include "core/filter_lexer.hpp"

#include <fmt/core.h>

#include "util/strings.hpp"

namespace artemis::core::filter_detail {
namespace {

bool is_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
}
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_hex(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_ident_part(unsigned char c, bool hyphens) {
  return is_ident_start(c) || is_digit(c) || c == '.' || (hyphens && c == '-');
}

Tok keyword(std::string_view word) {
  struct Kw {
    std::string_view text;
    Tok kind;
  };
  static constexpr Kw kKeywords[] = {
      {"AND", Tok::kw_and},   {"OR", Tok::kw_or},         {"NOT", Tok::kw_not},
      {"BETWEEN", Tok::kw_between}, {"IN", Tok::kw_in},   {"LIKE", Tok::kw_like},
      {"ESCAPE", Tok::kw_escape},   {"IS", Tok::kw_is},   {"NULL", Tok::kw_null},
      {"TRUE", Tok::kw_true}, {"FALSE", Tok::kw_false},
  };
  for (const auto& kw : kKeywords)
    if (util::iequals(word, kw.text)) return kw.kind;
  return Tok::identifier;
}

// Scans a quoted run starting at s[i] == quote, where a doubled quote stands for one quote.
// Returns the index after the closing quote, or npos if unterminated.
std::size_t scan_quoted(std::string_view s, std::size_t i, char quote, std::string& out) {
  for (++i; i < s.size(); ++i) {
    if (s[i] != quote) {
      out.push_back(s[i]);
    } else if (i + 1 < s.size() && s[i + 1] == quote) {
      out.push_back(quote);
      ++i;
    } else {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

std::size_t scan_number(std::string_view s, std::size_t i) {
  if (s[i] == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    i += 2;
    while (i < s.size() && is_hex(s[i])) ++i;
  } else {
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && is_digit(s[i])) ++i;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      std::size_t j = i + 1;
      if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
      if (j < s.size() && is_digit(s[j])) {
        i = j;
        while (i < s.size() && is_digit(s[i])) ++i;
      }
    }
  }
  if (i < s.size() && (s[i] == 'l' || s[i] == 'L' || s[i] == 'd' || s[i] == 'D' || s[i] == 'f' ||
                       s[i] == 'F'))
    ++i;
  return i;
}

}  // namespace

bool lex(std::string_view s, std::size_t offset, bool hyphens, std::vector<Token>& out,
         std::string& error) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
      ++i;
      continue;
    }
    Token t;
    t.pos = offset + i;
    if (c == '\'' || c == '"') {
      const std::size_t end = scan_quoted(s, i, static_cast<char>(c), t.text);
      if (end == std::string_view::npos) {
        error = fmt::format("unterminated {} at position {}",
                            c == '\'' ? "string literal" : "quoted identifier", t.pos);
        return false;
      }
      t.kind = c == '\'' ? Tok::string : Tok::identifier;
      i = end;
    } else if (is_digit(c) || (c == '.' && i + 1 < s.size() && is_digit(s[i + 1]))) {
      const std::size_t end = scan_number(s, i);
      t.kind = Tok::number;
      t.text = std::string(s.substr(i, end - i));
      i = end;
      if (i < s.size() && is_ident_part(s[i], false)) {
        error = fmt::format("malformed number at position {}", t.pos);
        return false;
      }
    } else if (is_ident_start(c)) {
      std::size_t end = i + 1;
      while (end < s.size() && is_ident_part(s[end], hyphens)) ++end;
      t.text = std::string(s.substr(i, end - i));
      t.kind = keyword(t.text);
      i = end;
    } else {
      const char n = i + 1 < s.size() ? s[i + 1] : '\0';
      std::size_t len = 1;
      switch (c) {
        case '(': t.kind = Tok::lparen; break;
        case ')': t.kind = Tok::rparen; break;
        case ',': t.kind = Tok::comma; break;
        case '=': t.kind = Tok::eq; break;
        case '+': t.kind = Tok::plus; break;
        case '-': t.kind = Tok::minus; break;
        case '*': t.kind = Tok::star; break;
        case '/': t.kind = Tok::slash; break;
        case '<':
          if (n == '>') t.kind = Tok::ne, len = 2;
          else if (n == '=') t.kind = Tok::le, len = 2;
          else t.kind = Tok::lt;
          break;
        case '>':
          if (n == '=') t.kind = Tok::ge, len = 2;
          else t.kind = Tok::gt;
          break;
        default:
          if (c >= 0x20 && c < 0x7f)
            error = fmt::format("unexpected character '{}' at position {}", static_cast<char>(c),
                                t.pos);
          else
            error = fmt::format("unexpected byte 0x{:02x} at position {}", c, t.pos);
          return false;
      }
      i += len;
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.kind = Tok::end;
  end.pos = offset + s.size();
  out.push_back(std::move(end));
  return true;
}

std::string_view describe(Tok kind) {
  switch (kind) {
    case Tok::end: return "end of selector";
    case Tok::identifier: return "an identifier";
    case Tok::string: return "a string";
    case Tok::number: return "a number";
    case Tok::lparen: return "'('";
    case Tok::rparen: return "')'";
    case Tok::comma: return "','";
    case Tok::eq: return "'='";
    case Tok::ne: return "'<>'";
    case Tok::lt: return "'<'";
    case Tok::gt: return "'>'";
    case Tok::le: return "'<='";
    case Tok::ge: return "'>='";
    case Tok::plus: return "'+'";
    case Tok::minus: return "'-'";
    case Tok::star: return "'*'";
    case Tok::slash: return "'/'";
    case Tok::kw_and: return "AND";
    case Tok::kw_or: return "OR";
    case Tok::kw_not: return "NOT";
    case Tok::kw_between: return "BETWEEN";
    case Tok::kw_in: return "IN";
    case Tok::kw_like: return "LIKE";
    case Tok::kw_escape: return "ESCAPE";
    case Tok::kw_is: return "IS";
    case Tok::kw_null: return "NULL";
    case Tok::kw_true: return "TRUE";
    case Tok::kw_false: return "FALSE";
  }
  return "?";
}

}  // namespace artemis::core::filter_detail
