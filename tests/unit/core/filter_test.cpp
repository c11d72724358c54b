#include "core/filter.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

using artemis::core::Filter;
using artemis::core::FilterContext;
using artemis::core::Value;

namespace {

struct Props : FilterContext {
  std::map<std::string, Value, std::less<>> values;
  Props(std::initializer_list<std::pair<const std::string, Value>> init) : values(init) {}
  std::optional<Value> get(std::string_view id) const override {
    auto it = values.find(id);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
};

bool eval(std::string_view selector, const Props& props) {
  std::string error;
  auto f = Filter::parse(selector, error);
  INFO("selector: " << selector << " error: " << error);
  REQUIRE(f.has_value());
  return f->matches(props);
}

std::string parse_error(std::string_view selector) {
  std::string error;
  auto f = Filter::parse(selector, error);
  INFO("selector: " << selector);
  CHECK_FALSE(f.has_value());
  return error;
}

const Props kMessage{
    {"color", std::string("red")},     {"size", std::int64_t(10)},
    {"weight", 2.5},                    {"flag", true},
    {"off", false},                     {"text", std::string("it's a 10% deal")},
    {"count_s", std::string("7")},      {"name", std::string("Ünïcode")},
    {"nothing", std::monostate{}},      {"AMQPriority", std::int64_t(4)},
    {"AMQDurable", std::string("DURABLE")}, {"AMQUserID", std::string("ID:abc")},
    {"AMQGroupID", std::string("g1")},  {"AMQTimestamp", std::int64_t(1700000000000)},
    {"AMQExpiration", std::int64_t(0)}, {"AMQAddress", std::string("orders")},
    {"AMQSize", std::int64_t(512)},     {"my-header", std::string("h")},
    {"big", std::int64_t(INT64_MAX)},
};

}  // namespace

TEST_CASE("core: selector table against one property set") {
  struct Row {
    const char* selector;
    bool expected;
  };
  const Row rows[] = {
      {"color = 'red'", true},
      {"color = 'blue'", false},
      {"color <> 'blue'", true},
      {"size = 10", true},
      {"size > 5", true},
      {"size >= 10 AND size <= 10", true},
      {"size < 10", false},
      {"size = 10.0", true},
      {"weight > 2", true},
      {"weight * 2 = 5", true},
      {"size + 5 = 15", true},
      {"size - 15 = -5", true},
      {"size / 4 = 2.5", true},
      {"-size = -10", true},
      {"size / 0 = 1", false},
      {"big + 1 > 0", true},  // overflow moves to floating point, no wrap-around
      {"flag", true},
      {"flag = TRUE", true},
      {"off = false", true},
      {"NOT off", true},
      {"(color = 'red' OR size = 1) AND NOT (weight > 3)", true},
      {"size BETWEEN 5 AND 15", true},
      {"size BETWEEN 11 AND 15", false},
      {"size NOT BETWEEN 11 AND 15", true},
      {"color IN ('green', 'red')", true},
      {"color IN ('green', 'blue')", false},
      {"color NOT IN ('green', 'blue')", true},
      {"color LIKE 'r%'", true},
      {"color LIKE 'r_d'", true},
      {"color LIKE 'r_'", false},
      {"color NOT LIKE '%e%'", false},
      {"text LIKE '%10\\%%' ESCAPE '\\'", true},
      {"text LIKE '%10!%%' ESCAPE '!'", true},
      {"text LIKE '%10!% x%' ESCAPE '!'", false},
      {"text = 'it''s a 10% deal'", true},
      {"name LIKE '_nïcode'", true},  // '_' is one character, even when it is two bytes
      {"missing IS NULL", true},
      {"nothing IS NULL", true},
      {"color IS NOT NULL", true},
      {"color IS NULL", false},
      {"count_s > 5", false},  // strings are not numbers
      {"count_s = '7'", true},
      {"AMQPriority = 4", true},
      {"JMSPriority = 4", true},
      {"JMSDeliveryMode = 'PERSISTENT'", true},
      {"JMSDeliveryMode = 'NON_PERSISTENT'", false},
      {"JMSDeliveryMode IN ('PERSISTENT')", true},
      {"AMQDurable = 'DURABLE'", true},
      {"JMSMessageID = 'ID:abc'", true},
      {"JMSXGroupID = 'g1'", true},
      {"JMSTimestamp > 0 AND JMSExpiration = 0", true},
      {"AMQAddress = 'orders' AND AMQSize > 100", true},
      {"size = 012", true},   // octal, as in Java
      {"size = 0xA", true},
      {"size = 10L", true},
      {"weight = 25e-1", true},
      {"size > .5", true},
      {"color = 'red' and SIZE = 10", false},  // identifiers are case-sensitive
      {"color = 'red' and size = 10", true},   // keywords are not
      {"\"my-header\" = 'h'", true},
  };
  for (const auto& row : rows) {
    INFO("selector: " << std::string(row.selector));
    CHECK(eval(row.selector, kMessage) == row.expected);
  }
}

TEST_CASE("core: selector three-valued logic") {
  const Props p{{"t", true}, {"f", false}};
  // unknown AND false = false; unknown AND true = unknown; unknown OR true = true.
  CHECK_FALSE(eval("missing > 1 AND f", p));
  CHECK(eval("NOT (missing > 1 AND f)", p));
  CHECK_FALSE(eval("missing > 1 AND t", p));
  CHECK_FALSE(eval("NOT (missing > 1 AND t)", p));  // NOT unknown = unknown
  CHECK(eval("missing > 1 OR t", p));
  CHECK_FALSE(eval("missing > 1 OR f", p));
  CHECK_FALSE(eval("NOT (missing > 1 OR f)", p));
  CHECK_FALSE(eval("missing = 1", p));
  CHECK_FALSE(eval("NOT (missing = 1)", p));
  CHECK_FALSE(eval("missing <> 1", p));
  CHECK_FALSE(eval("missing IN ('a')", p));
  CHECK_FALSE(eval("missing NOT IN ('a')", p));
  CHECK_FALSE(eval("missing LIKE 'a%'", p));
  CHECK_FALSE(eval("missing NOT LIKE 'a%'", p));
  CHECK_FALSE(eval("missing BETWEEN 1 AND 2", p));
  CHECK_FALSE(eval("missing NOT BETWEEN 1 AND 2", p));
  CHECK(eval("missing IS NULL OR missing > 1", p));
  CHECK_FALSE(eval("missing", p));
  CHECK_FALSE(eval("NOT missing", p));
}

TEST_CASE("core: selector convert_string_expressions: coerces numeric strings") {
  const Props stomp{{"count", std::string("7")}, {"price", std::string("2.5")},
                    {"word", std::string("seven")}, {"yes", std::string("true")}};
  CHECK_FALSE(eval("count > 5", stomp));
  CHECK(eval("convert_string_expressions:count > 5", stomp));
  CHECK(eval("convert_string_expressions: count = 7", stomp));
  CHECK(eval("convert_string_expressions:price * 2 = 5", stomp));
  CHECK(eval("convert_string_expressions:count BETWEEN 1 AND 9", stomp));
  CHECK(eval("convert_string_expressions:-count = -7", stomp));
  CHECK_FALSE(eval("convert_string_expressions:word > 5", stomp));
  CHECK_FALSE(eval("convert_string_expressions:NOT (word > 5)", stomp));
  CHECK(eval("convert_string_expressions:yes = TRUE", stomp));
  CHECK(eval("convert_string_expressions:word = 'seven'", stomp));
}

TEST_CASE("core: selector hyphenated_props: allows '-' in identifiers") {
  const Props p{{"my-header", std::string("h")}, {"a", std::int64_t(5)}, {"b", std::int64_t(2)}};
  CHECK(eval("hyphenated_props:my-header = 'h'", p));
  CHECK(eval("a-b = 3", p));  // without the prefix '-' is subtraction
  CHECK(eval("hyphenated_props:convert_string_expressions:my-header = 'h'", p));
  CHECK(eval("convert_string_expressions:hyphenated_props:my-header = 'h'", p));
  std::string error;
  auto f = Filter::parse("hyphenated_props:my-header = 'h'", error);
  REQUIRE(f);
  CHECK(f->text() == "hyphenated_props:my-header = 'h'");
}

TEST_CASE("core: selector parse errors say what and where") {
  CHECK(parse_error("x >") == "selector 'x >': expected a value but found end of selector at position 3");
  CHECK(parse_error("") .find("expected an expression at position 0") != std::string::npos);
  CHECK(parse_error("color = 'red") == "selector 'color = 'red': unterminated string literal at position 8");
  CHECK(parse_error("a = 1 #").find("unexpected character '#' at position 6") != std::string::npos);
  CHECK(parse_error("(a = 1").find("expected ')'") != std::string::npos);
  CHECK(parse_error("a = 1)").find("unexpected ')' after the expression at position 5") !=
        std::string::npos);
  CHECK(parse_error("a NOT 5").find("expected BETWEEN, IN or LIKE after NOT") != std::string::npos);
  CHECK(parse_error("a LIKE 5").find("expected a string pattern after LIKE") != std::string::npos);
  CHECK(parse_error("a LIKE 'x' ESCAPE 'ab'").find("one-character") != std::string::npos);
  CHECK(parse_error("a IN ()").find("expected a string in the IN list") != std::string::npos);
  CHECK(parse_error("a BETWEEN 1 OR 2").find("expected AND") != std::string::npos);
  CHECK(parse_error("a IS 5").find("expected NULL") != std::string::npos);
  CHECK(parse_error("a = NULL").find("IS [NOT] NULL") != std::string::npos);
  CHECK(parse_error("5").find("expected a boolean expression at position 0") != std::string::npos);
  CHECK(parse_error("a = 1 AND 'x'").find("expected a boolean expression at position 10") !=
        std::string::npos);
  CHECK(parse_error("a = 99999999999999999999").find("out of range") != std::string::npos);
  CHECK(parse_error("a = 12abc").find("malformed number") != std::string::npos);
  CHECK(parse_error("XPATH '//x'").find("XPATH selectors are not supported") != std::string::npos);
  CHECK(parse_error("convert_string_expressions:a >").find("at position 30") != std::string::npos);
  CHECK(parse_error(std::string("a = '\x01'") + " \x01").find("unexpected byte 0x01") !=
        std::string::npos);
}

TEST_CASE("core: hostile selectors are refused, not crashed on") {
  std::string deep(100'000, '(');
  deep += "a = 1";
  deep += std::string(100'000, ')');
  CHECK(parse_error(deep).find("longer than") != std::string::npos);

  std::string parens(30'000, '(');
  CHECK(parse_error(parens).find("nests deeper than 100") != std::string::npos);

  std::string nots;
  for (int i = 0; i < 10'000; ++i) nots += "NOT ";
  nots += "a";
  CHECK(parse_error(nots).find("nests deeper than") != std::string::npos);

  std::string minus(20'000, '-');
  minus += "a > 1";
  CHECK(parse_error("x = 1 OR " + minus).find("nests deeper than") != std::string::npos);

  std::string sum = "a = 1";
  for (int i = 0; i < 5000; ++i) sum += "+1";
  CHECK(parse_error(sum).find("deeper than") != std::string::npos);

  std::string terms = "a = 1";
  for (int i = 0; i < 6000; ++i) terms += " OR a = 1";
  CHECK(parse_error(terms).find("more than 10000 terms") != std::string::npos);

  // Nesting just under the limit still works.
  std::string ok(99, '(');
  ok += "a = 1";
  ok += std::string(99, ')');
  CHECK(eval(ok, Props{{"a", std::int64_t(1)}}));

  // A long flat OR chain within limits evaluates without deep recursion.
  std::string flat = "a = 0";
  for (int i = 1; i < 3000; ++i) flat += " OR a = " + std::to_string(i);
  CHECK(eval(flat, Props{{"a", std::int64_t(2999)}}));

  // LIKE with many '%' against a long text does not backtrack exponentially.
  std::string pattern;
  for (int i = 0; i < 200; ++i) pattern += "%a";
  pattern += "%b";
  Props text{{"t", std::string(20'000, 'a')}};
  CHECK_FALSE(eval("t LIKE '" + pattern + "'", text));
}

TEST_CASE("core: filters are copyable and keep their text") {
  std::string error;
  auto f = Filter::parse("color = 'red'", error);
  REQUIRE(f);
  Filter copy = *f;
  CHECK(copy.text() == "color = 'red'");
  CHECK(copy.matches(kMessage));
  CHECK(error.empty());
}
