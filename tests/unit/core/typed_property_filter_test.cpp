// Selectors against a Message's typed properties (MessageFilterContext): each property is seen
// as its own type, without convert_string_expressions.
#include <doctest/doctest.h>

#include "core/message.hpp"

using namespace artemis;
using store::Binary;
using store::PropertyValue;

namespace {

core::Message typed_props_message() {
  core::Message m;
  m.record.properties = {
      {"count", PropertyValue(std::int32_t{7})},  {"small", PropertyValue(std::int8_t{-3})},
      {"wide", PropertyValue(std::int16_t{300})},  {"big", PropertyValue(std::int64_t{1} << 40)},
      {"ratio", PropertyValue(0.5f)},              {"price", PropertyValue(9.99)},
      {"flag", PropertyValue(true)},               {"color", PropertyValue("red")},
      {"count_s", PropertyValue("7")},             {"raw", PropertyValue(Binary{"7"})},
      {"nothing", PropertyValue()},                {"_AMQ_GROUP_ID", PropertyValue("g1")},
  };
  return m;
}

bool selects(std::string_view selector, const core::Message& m) {
  std::string error;
  auto f = core::Filter::parse(selector, error);
  INFO("selector: " << selector << " error: " << error);
  REQUIRE(f.has_value());
  return core::matches(f, m);
}

}  // namespace

TEST_CASE("core: a selector sees integer properties as numbers") {
  const auto m = typed_props_message();
  CHECK(selects("count > 5", m));
  CHECK(selects("count = 7", m));
  CHECK(selects("count BETWEEN 7 AND 8", m));
  CHECK(selects("count + 1 = 8", m));
  CHECK(selects("small < 0", m));
  CHECK(selects("wide = 300", m));
  CHECK(selects("big > 1000000000", m));
  CHECK_FALSE(selects("count = '7'", m));     // a number never equals a string
}

TEST_CASE("core: a selector sees floating, boolean and string properties as their types") {
  const auto m = typed_props_message();
  CHECK(selects("ratio = 0.5", m));
  CHECK(selects("price > 9.9 AND price < 10", m));
  CHECK(selects("flag", m));
  CHECK(selects("flag = TRUE", m));
  CHECK(selects("color = 'red'", m));
  CHECK(selects("color LIKE 'r%'", m));
  CHECK(selects("JMSXGroupID = 'g1'", m));
  // A string stays a string: no numeric comparison unless the selector asks for conversion.
  CHECK_FALSE(selects("count_s > 5", m));
  CHECK(selects("convert_string_expressions: count_s > 5", m));
}

TEST_CASE("core: null and binary properties compare as NULL in a selector") {
  const auto m = typed_props_message();
  CHECK(selects("nothing IS NULL", m));
  CHECK(selects("absent IS NULL", m));
  CHECK_FALSE(selects("raw = '7'", m));
  CHECK_FALSE(selects("raw = 7", m));
  CHECK(selects("raw IS NULL", m));
}

TEST_CASE("core: the string view of a property is for strings and binary only") {
  const auto m = typed_props_message();
  REQUIRE(m.property("color").has_value());
  CHECK(*m.property("color") == "red");
  REQUIRE(m.property("raw").has_value());
  CHECK(*m.property("raw") == "7");
  CHECK_FALSE(m.property("count").has_value());
  CHECK_FALSE(m.property("absent").has_value());
  REQUIRE(m.typed_property("count").has_value());
  CHECK(m.typed_property("count")->as_integer() == 7);
}
