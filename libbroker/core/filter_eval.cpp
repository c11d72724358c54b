// Selector evaluation with SQL three-valued logic. A NULL / UNKNOWN result is std::monostate;
// only bool true selects. Recursion depth is the tree height, which the parser bounds.
#include <charconv>
#include <cmath>
#include <compare>

#include "core/filter_ast.hpp"
#include "util/strings.hpp"

namespace artemis::core::filter_detail {
namespace {

using Unknown = std::monostate;

bool is_null(const Value& v) { return std::holds_alternative<Unknown>(v); }
bool is_number(const Value& v) {
  return std::holds_alternative<std::int64_t>(v) || std::holds_alternative<double>(v);
}
double as_double(const Value& v) {
  if (auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}

// convert_string_expressions: a string that is wholly a number becomes that number.
Value to_number(const std::string& s) {
  std::string_view t = util::trim(s);
  if (t.empty()) return Unknown{};
  std::int64_t i = 0;
  auto [pi, ei] = std::from_chars(t.data(), t.data() + t.size(), i);
  if (ei == std::errc() && pi == t.data() + t.size()) return i;
  double d = 0;
  auto [pd, ed] = std::from_chars(t.data(), t.data() + t.size(), d);
  if (ed == std::errc() && pd == t.data() + t.size()) return d;
  return Unknown{};
}

// With conversion on, a string operand next to a number (or boolean) is converted to match.
void coerce(Value& a, Value& b, bool convert) {
  if (!convert) return;
  auto fix = [](Value& s, const Value& other) {
    const auto* str = std::get_if<std::string>(&s);
    if (!str) return;
    if (is_number(other)) {
      s = to_number(*str);
    } else if (std::holds_alternative<bool>(other)) {
      if (util::iequals(*str, "true")) s = true;
      else if (util::iequals(*str, "false")) s = false;
    }
  };
  fix(a, b);
  fix(b, a);
}

// Ordering of two non-null values, or nullopt when they cannot be compared.
std::optional<std::partial_ordering> order(const Value& a, const Value& b) {
  if (is_number(a) && is_number(b)) {
    const auto* ai = std::get_if<std::int64_t>(&a);
    const auto* bi = std::get_if<std::int64_t>(&b);
    if (ai && bi) return *ai <=> *bi;
    return as_double(a) <=> as_double(b);
  }
  const auto* as = std::get_if<std::string>(&a);
  const auto* bs = std::get_if<std::string>(&b);
  if (as && bs) return *as <=> *bs;
  const auto* ab = std::get_if<bool>(&a);
  const auto* bb = std::get_if<bool>(&b);
  if (ab && bb) return *ab == *bb ? std::partial_ordering::equivalent
                                  : std::partial_ordering::unordered;
  return std::nullopt;
}

Value compare(Op op, Value a, Value b, bool convert) {
  if (is_null(a) || is_null(b)) return Unknown{};
  coerce(a, b, convert);
  if (is_null(a) || is_null(b)) return Unknown{};
  const auto o = order(a, b);
  if (!o) return Unknown{};
  const bool is_bool = std::holds_alternative<bool>(a);
  switch (op) {
    case Op::eq: return *o == 0;
    case Op::ne: return is_bool ? Value(*o != 0) : Value(*o != 0 && *o != std::partial_ordering::unordered);
    case Op::lt: return is_bool ? Value(Unknown{}) : Value(*o < 0);
    case Op::gt: return is_bool ? Value(Unknown{}) : Value(*o > 0);
    case Op::le: return is_bool ? Value(Unknown{}) : Value(*o <= 0);
    case Op::ge: return is_bool ? Value(Unknown{}) : Value(*o >= 0);
    default: return Unknown{};
  }
}

Value arithmetic(Op op, Value a, Value b, bool convert) {
  if (is_null(a) || is_null(b)) return Unknown{};
  coerce(a, b, convert);
  if (!is_number(a) || !is_number(b)) return Unknown{};
  const auto* ai = std::get_if<std::int64_t>(&a);
  const auto* bi = std::get_if<std::int64_t>(&b);
  if (ai && bi && op != Op::div) {
    std::int64_t r = 0;
    bool overflow = false;
    switch (op) {
      case Op::add: overflow = __builtin_add_overflow(*ai, *bi, &r); break;
      case Op::sub: overflow = __builtin_sub_overflow(*ai, *bi, &r); break;
      case Op::mul: overflow = __builtin_mul_overflow(*ai, *bi, &r); break;
      default: break;
    }
    if (!overflow) return r;  // else fall through to floating point
  }
  const double x = as_double(a), y = as_double(b);
  switch (op) {
    case Op::add: return x + y;
    case Op::sub: return x - y;
    case Op::mul: return x * y;
    case Op::div: return y == 0 ? Value(Unknown{}) : Value(x / y);
    default: return Unknown{};
  }
}

// Tri-state view of a value in a boolean position: anything but a bool is UNKNOWN.
enum class Tri { f, t, unknown };
Tri tri(const Value& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b ? Tri::t : Tri::f;
  return Tri::unknown;
}
Value from_tri(Tri t) { return t == Tri::unknown ? Value(Unknown{}) : Value(t == Tri::t); }
Value negate_tri(const Value& v) {
  const Tri t = tri(v);
  return t == Tri::unknown ? Value(Unknown{}) : Value(t == Tri::f);
}

Value logical(const Node& n, const FilterContext& ctx) {
  const bool is_and = n.op == Op::logical_and;
  bool unknown = false;
  for (const auto& c : n.children) {
    const Tri t = tri(evaluate(*c, ctx));
    if (t == Tri::unknown) unknown = true;
    else if ((t == Tri::t) != is_and) return !is_and;  // AND hit FALSE / OR hit TRUE
  }
  return unknown ? Value(Unknown{}) : Value(is_and);
}

Value between(const Node& n, const FilterContext& ctx) {
  Value v = evaluate(*n.children[0], ctx);
  const Value low = compare(Op::ge, v, evaluate(*n.children[1], ctx), n.convert_strings);
  const Value high = compare(Op::le, v, evaluate(*n.children[2], ctx), n.convert_strings);
  const Tri l = tri(low), h = tri(high);
  Tri r = Tri::unknown;
  if (l == Tri::f || h == Tri::f) r = Tri::f;
  else if (l == Tri::t && h == Tri::t) r = Tri::t;
  return n.negated ? negate_tri(from_tri(r)) : from_tri(r);
}

Value in_list(const Node& n, const FilterContext& ctx) {
  const Value v = evaluate(*n.children[0], ctx);
  if (is_null(v)) return Unknown{};
  bool found = false;
  for (const auto& item : n.list) {
    if (tri(compare(Op::eq, v, item, n.convert_strings)) == Tri::t) {
      found = true;
      break;
    }
  }
  return found != n.negated;
}

}  // namespace

bool like_matches(std::string_view pattern, std::optional<char> escape, std::string_view text) {
  // Pattern items: a literal byte, '_' (one UTF-8 character) or '%' (any run). Matched with the
  // usual backtrack-to-last-'%' loop: O(pattern x text), no recursion.
  struct Item {
    enum Kind { literal, one, any } kind;
    char c;
  };
  std::vector<Item> items;
  items.reserve(pattern.size());
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (escape && c == *escape && i + 1 < pattern.size()) items.push_back({Item::literal, pattern[++i]});
    else if (c == '%') items.push_back({Item::any, 0});
    else if (c == '_') items.push_back({Item::one, 0});
    else items.push_back({Item::literal, c});
  }
  auto char_len = [&](std::size_t at) {
    std::size_t len = 1;
    while (at + len < text.size() && (static_cast<unsigned char>(text[at + len]) & 0xC0) == 0x80)
      ++len;
    return len;
  };
  std::size_t p = 0, t = 0;
  std::optional<std::size_t> star_p;
  std::size_t star_t = 0;
  while (t < text.size()) {
    if (p < items.size() && items[p].kind == Item::any) {
      star_p = p++;
      star_t = t;
    } else if (p < items.size() && items[p].kind == Item::one) {
      ++p;
      t += char_len(t);
    } else if (p < items.size() && items[p].c == text[t]) {
      ++p;
      ++t;
    } else if (star_p) {
      p = *star_p + 1;
      star_t += char_len(star_t);
      t = star_t;
    } else {
      return false;
    }
  }
  while (p < items.size() && items[p].kind == Item::any) ++p;
  return p == items.size();
}

Value evaluate(const Node& n, const FilterContext& ctx) {
  switch (n.op) {
    case Op::literal: return n.value;
    case Op::identifier: {
      auto v = ctx.get(n.name);
      return v ? std::move(*v) : Value(Unknown{});
    }
    case Op::logical_and:
    case Op::logical_or: return logical(n, ctx);
    case Op::logical_not: return negate_tri(evaluate(*n.children[0], ctx));
    case Op::eq: case Op::ne: case Op::lt: case Op::gt: case Op::le: case Op::ge:
      return compare(n.op, evaluate(*n.children[0], ctx), evaluate(*n.children[1], ctx),
                     n.convert_strings);
    case Op::add: case Op::sub: case Op::mul: case Op::div:
      return arithmetic(n.op, evaluate(*n.children[0], ctx), evaluate(*n.children[1], ctx),
                        n.convert_strings);
    case Op::negate: {
      Value v = evaluate(*n.children[0], ctx);
      if (n.convert_strings)
        if (const auto* s = std::get_if<std::string>(&v)) v = to_number(*s);
      if (const auto* i = std::get_if<std::int64_t>(&v)) {
        if (*i == INT64_MIN) return -static_cast<double>(*i);
        return -*i;
      }
      if (const auto* d = std::get_if<double>(&v)) return -*d;
      return Unknown{};
    }
    case Op::between: return between(n, ctx);
    case Op::in: return in_list(n, ctx);
    case Op::like: {
      const Value v = evaluate(*n.children[0], ctx);
      const auto* s = std::get_if<std::string>(&v);
      if (!s) return Unknown{};
      return like_matches(n.pattern, n.escape, *s) != n.negated;
    }
    case Op::is_null: return is_null(evaluate(*n.children[0], ctx)) != n.negated;
  }
  return Unknown{};
}

}  // namespace artemis::core::filter_detail
