// Recursive-descent selector parser. Recursion is bounded: every construct that can nest
// (parentheses, NOT, unary sign) counts against Filter::kMaxNesting, AND/OR chains build one
// n-ary node instead of a deep tree, and the height of every built node is checked, so the
// evaluator's recursion is bounded too.
//
//   or             := and (OR and)*
//   and            := not (AND not)*
//   not            := NOT not | comparison
//   comparison     := additive [ (= <> < > <= >=) additive
//                              | [NOT] BETWEEN additive AND additive
//                              | [NOT] IN '(' literal (',' literal)* ')'
//                              | [NOT] LIKE string [ESCAPE string]
//                              | IS [NOT] NULL ]
//   additive       := multiplicative ((+ | -) multiplicative)*
//   multiplicative := unary ((* | /) unary)*
//   unary          := (+ | -) unary | primary
//   primary        := literal | identifier | '(' or ')'
#include <fmt/core.h>

#include <charconv>
#include <cstdlib>

#include "core/filter_ast.hpp"
#include "core/filter_lexer.hpp"
#include "util/strings.hpp"

namespace artemis::core::filter_detail {
namespace {

// Longest left-deep arithmetic chain is what can still grow a tree without nesting; cap the
// height well above anything a person writes.
constexpr int kMaxTreeHeight = 4 * Filter::kMaxNesting;

struct ParseError {
  std::string message;
};

std::string_view rewrite_jms_name(std::string_view name) {
  if (name == "JMSDeliveryMode") return "AMQDurable";
  if (name == "JMSPriority") return "AMQPriority";
  if (name == "JMSTimestamp") return "AMQTimestamp";
  if (name == "JMSMessageID") return "AMQUserID";
  if (name == "JMSExpiration") return "AMQExpiration";
  if (name == "JMSXGroupID") return "AMQGroupID";
  return name;
}

bool is_durable_identifier(const Node& n) {
  return n.op == Op::identifier && n.name == "AMQDurable";
}

// 'PERSISTENT' compared with the delivery mode means the core's 'DURABLE'.
void rewrite_delivery_mode(Value& v) {
  if (auto* s = std::get_if<std::string>(&v)) {
    if (*s == "PERSISTENT") *s = "DURABLE";
    else if (*s == "NON_PERSISTENT") *s = "NON_DURABLE";
  }
}

bool may_be_boolean(const Node& n) {
  switch (n.op) {
    case Op::literal: return std::holds_alternative<bool>(n.value);
    case Op::add: case Op::sub: case Op::mul: case Op::div: case Op::negate: return false;
    default: return true;
  }
}

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, ParseFlags flags) : toks_(tokens), flags_(flags) {}

  std::unique_ptr<Node> parse_all() {
    if (peek().kind == Tok::identifier &&
        (util::iequals(peek().text, "XPATH") || util::iequals(peek().text, "XQUERY")) &&
        toks_[pos_ + 1].kind == Tok::string)
      fail(fmt::format("{} selectors are not supported", util::to_upper(peek().text)));
    if (peek().kind == Tok::end) fail("expected an expression");
    auto root = parse_boolean();
    if (peek().kind != Tok::end)
      fail(fmt::format("unexpected {} after the expression", describe(peek().kind)));
    return root;
  }

 private:
  const Token& peek() const { return toks_[pos_]; }
  const Token& take() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }
  bool accept(Tok kind) {
    if (peek().kind != kind) return false;
    take();
    return true;
  }
  void expect(Tok kind, std::string_view what) {
    if (!accept(kind)) fail(fmt::format("expected {} but found {}", what, describe(peek().kind)));
  }
  [[noreturn]] void fail(const std::string& what) const { fail_at(what, peek().pos); }
  [[noreturn]] static void fail_at(const std::string& what, std::size_t pos) {
    throw ParseError{fmt::format("{} at position {}", what, pos)};
  }

  std::unique_ptr<Node> make(Op op) {
    if (++nodes_ > Filter::kMaxNodes)
      fail(fmt::format("selector has more than {} terms", Filter::kMaxNodes));
    auto n = std::make_unique<Node>();
    n->op = op;
    n->convert_strings = flags_.convert_strings;
    return n;
  }
  std::unique_ptr<Node> adopt(std::unique_ptr<Node> parent, std::unique_ptr<Node> child) {
    parent->depth = std::max(parent->depth, child->depth + 1);
    if (parent->depth > kMaxTreeHeight)
      fail(fmt::format("expression nests deeper than {} levels", kMaxTreeHeight));
    parent->children.push_back(std::move(child));
    return parent;
  }

  struct NestingGuard {
    Parser& p;
    explicit NestingGuard(Parser& parser) : p(parser) {
      if (++p.nesting_ > Filter::kMaxNesting)
        p.fail(fmt::format("expression nests deeper than {} levels", Filter::kMaxNesting));
    }
    ~NestingGuard() { --p.nesting_; }
  };

  // An operand of AND / OR / NOT / the whole selector must be able to yield a boolean.
  std::unique_ptr<Node> parse_boolean_operand(std::unique_ptr<Node> (Parser::*parse)()) {
    const std::size_t at = peek().pos;
    auto n = (this->*parse)();
    if (!may_be_boolean(*n)) fail_at("expected a boolean expression", at);
    return n;
  }
  std::unique_ptr<Node> parse_boolean() { return parse_boolean_operand(&Parser::parse_or); }

  std::unique_ptr<Node> parse_logical(Tok kw, Op op, std::unique_ptr<Node> (Parser::*next)()) {
    auto first = parse_boolean_operand(next);
    if (peek().kind != kw) return first;
    auto n = adopt(make(op), std::move(first));
    while (accept(kw)) n = adopt(std::move(n), parse_boolean_operand(next));
    return n;
  }
  std::unique_ptr<Node> parse_or() { return parse_logical(Tok::kw_or, Op::logical_or, &Parser::parse_and); }
  std::unique_ptr<Node> parse_and() { return parse_logical(Tok::kw_and, Op::logical_and, &Parser::parse_not); }

  std::unique_ptr<Node> parse_not() {
    if (!accept(Tok::kw_not)) return parse_comparison();
    NestingGuard guard(*this);
    return adopt(make(Op::logical_not), parse_boolean_operand(&Parser::parse_not));
  }

  std::unique_ptr<Node> binary(Op op, std::unique_ptr<Node> lhs, std::unique_ptr<Node> rhs) {
    return adopt(adopt(make(op), std::move(lhs)), std::move(rhs));
  }

  std::unique_ptr<Node> parse_comparison() {
    auto lhs = parse_additive();
    static constexpr std::pair<Tok, Op> kComparisons[] = {
        {Tok::eq, Op::eq}, {Tok::ne, Op::ne}, {Tok::lt, Op::lt},
        {Tok::gt, Op::gt}, {Tok::le, Op::le}, {Tok::ge, Op::ge}};
    for (auto [tok, op] : kComparisons) {
      if (!accept(tok)) continue;
      auto rhs = parse_additive();
      if (is_durable_identifier(*lhs) && rhs->op == Op::literal) rewrite_delivery_mode(rhs->value);
      if (is_durable_identifier(*rhs) && lhs->op == Op::literal) rewrite_delivery_mode(lhs->value);
      return binary(op, std::move(lhs), std::move(rhs));
    }
    if (accept(Tok::kw_is)) {
      auto n = make(Op::is_null);
      n->negated = accept(Tok::kw_not);
      expect(Tok::kw_null, "NULL");
      return adopt(std::move(n), std::move(lhs));
    }
    const bool negated = accept(Tok::kw_not);
    if (accept(Tok::kw_between)) {
      auto n = adopt(make(Op::between), std::move(lhs));
      n->negated = negated;
      n = adopt(std::move(n), parse_additive());
      expect(Tok::kw_and, "AND");
      return adopt(std::move(n), parse_additive());
    }
    if (accept(Tok::kw_in)) return parse_in(std::move(lhs), negated);
    if (accept(Tok::kw_like)) {
      auto n = adopt(make(Op::like), std::move(lhs));
      n->negated = negated;
      if (peek().kind != Tok::string) fail("expected a string pattern after LIKE");
      n->pattern = take().text;
      if (accept(Tok::kw_escape)) {
        if (peek().kind != Tok::string || peek().text.size() != 1)
          fail("expected a one-character string after ESCAPE");
        n->escape = take().text[0];
      }
      return n;
    }
    if (negated) fail(fmt::format("expected BETWEEN, IN or LIKE after NOT but found {}",
                                  describe(peek().kind)));
    return lhs;
  }

  std::unique_ptr<Node> parse_in(std::unique_ptr<Node> lhs, bool negated) {
    const bool durable = is_durable_identifier(*lhs);
    auto n = adopt(make(Op::in), std::move(lhs));
    n->negated = negated;
    expect(Tok::lparen, "'(' after IN");
    do {
      if (peek().kind == Tok::string) {
        n->list.emplace_back(take().text);
        if (durable) rewrite_delivery_mode(n->list.back());
      } else if (peek().kind == Tok::number) {
        n->list.push_back(number(take(), false));
      } else {
        fail(fmt::format("expected a string in the IN list but found {}", describe(peek().kind)));
      }
      if (n->list.size() > Filter::kMaxNodes)
        fail(fmt::format("IN list has more than {} values", Filter::kMaxNodes));
    } while (accept(Tok::comma));
    expect(Tok::rparen, "')' to close the IN list");
    return n;
  }

  std::unique_ptr<Node> parse_additive() {
    auto lhs = parse_multiplicative();
    for (;;) {
      if (accept(Tok::plus)) lhs = binary(Op::add, std::move(lhs), parse_multiplicative());
      else if (accept(Tok::minus)) lhs = binary(Op::sub, std::move(lhs), parse_multiplicative());
      else return lhs;
    }
  }
  std::unique_ptr<Node> parse_multiplicative() {
    auto lhs = parse_unary();
    for (;;) {
      if (accept(Tok::star)) lhs = binary(Op::mul, std::move(lhs), parse_unary());
      else if (accept(Tok::slash)) lhs = binary(Op::div, std::move(lhs), parse_unary());
      else return lhs;
    }
  }

  std::unique_ptr<Node> parse_unary() {
    if (peek().kind != Tok::plus && peek().kind != Tok::minus) return parse_primary();
    const bool minus = take().kind == Tok::minus;
    if (minus && peek().kind == Tok::number) {  // fold, so that -9223372036854775808 fits
      auto n = make(Op::literal);
      n->value = number(take(), true);
      return n;
    }
    NestingGuard guard(*this);
    auto operand = parse_unary();
    if (!minus) return operand;
    return adopt(make(Op::negate), std::move(operand));
  }

  std::unique_ptr<Node> parse_primary() {
    const Token& t = peek();
    switch (t.kind) {
      case Tok::string:
      case Tok::kw_true:
      case Tok::kw_false:
      case Tok::number: {
        auto n = make(Op::literal);
        const Token& lit = take();
        if (lit.kind == Tok::string) n->value = lit.text;
        else if (lit.kind == Tok::number) n->value = number(lit, false);
        else n->value = lit.kind == Tok::kw_true;
        return n;
      }
      case Tok::kw_null: fail("NULL can only be tested with IS [NOT] NULL");
      case Tok::identifier: {
        auto n = make(Op::identifier);
        n->name = std::string(rewrite_jms_name(take().text));
        return n;
      }
      case Tok::lparen: {
        NestingGuard guard(*this);
        take();
        auto inner = parse_or();
        expect(Tok::rparen, "')'");
        return inner;
      }
      default: fail(fmt::format("expected a value but found {}", describe(t.kind)));
    }
  }

  Value number(const Token& t, bool negative) const {
    std::string text = (negative ? "-" : "") + t.text;
    const char last = text.back();
    const bool floating_suffix = last == 'd' || last == 'D' || last == 'f' || last == 'F';
    const bool is_hex = t.text.size() > 1 && (t.text[1] == 'x' || t.text[1] == 'X');
    if (!is_hex && (floating_suffix || text.find_first_of(".eE") != std::string::npos)) {
      if (floating_suffix) text.pop_back();
      double d = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
      if (ec != std::errc() || p != text.data() + text.size())
        fail_at(fmt::format("malformed number '{}'", t.text), t.pos);
      return d;
    }
    if (last == 'l' || last == 'L') text.pop_back();
    int base = 10;
    std::size_t skip = negative ? 1 : 0;
    std::string digits;
    if (is_hex) {
      base = 16;
      digits = text.substr(skip + 2);
    } else if (t.text.size() > 1 && t.text[0] == '0') {
      base = 8;  // a leading 0 means octal, as in Java
      digits = text.substr(skip + 1);
    } else {
      digits = text.substr(skip);
    }
    if (negative) digits.insert(digits.begin(), '-');
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
    if (ec == std::errc::result_out_of_range)
      fail_at(fmt::format("number '{}' is out of range", t.text), t.pos);
    if (ec != std::errc() || p != digits.data() + digits.size() || digits.empty() ||
        digits == "-")
      fail_at(fmt::format("malformed number '{}'", t.text), t.pos);
    return v;
  }

  const std::vector<Token>& toks_;
  ParseFlags flags_;
  std::size_t pos_ = 0;
  std::size_t nodes_ = 0;
  int nesting_ = 0;
};

}  // namespace

std::unique_ptr<Node> parse_expression(std::string_view expr, std::size_t offset, ParseFlags flags,
                                       std::string& error) {
  std::vector<Token> tokens;
  if (!lex(expr, offset, flags.hyphenated_props, tokens, error)) return nullptr;
  try {
    return Parser(tokens, flags).parse_all();
  } catch (const ParseError& e) {
    error = e.message;
    return nullptr;
  }
}

}  // namespace artemis::core::filter_detail
