#include "security/properties_file.hpp"

#include <doctest/doctest.h>

using namespace artemis::security;

TEST_CASE("security: properties accept every separator form and skip comments") {
  const auto p = parse_properties(
      "# comment\n"
      "! also a comment\n"
      "\n"
      "admin = secret\n"
      "bob=pw\r\n"
      "  carol:pw2\n"
      "dave pw3\n"
      "empty=\n");
  REQUIRE(p.size() == 5);
  CHECK(p[0].key == "admin");
  CHECK(p[0].value == "secret");
  CHECK(p[0].line == 4);
  CHECK(p[1].key == "bob");
  CHECK(p[1].value == "pw");
  CHECK(p[2].key == "carol");
  CHECK(p[2].value == "pw2");
  CHECK(p[3].key == "dave");
  CHECK(p[3].value == "pw3");
  CHECK(p[4].key == "empty");
  CHECK(p[4].value.empty());
}

TEST_CASE("security: properties decode escapes and continuation lines") {
  const auto p = parse_properties(
      "my\\ role = alice,\\\n"
      "           bob\n"
      "tab=a\\tb\n"
      "uni=\\u00e9\n"
      "eq\\=key=v\n"
      "back=c:\\\\dir\n");
  REQUIRE(p.size() == 5);
  CHECK(p[0].key == "my role");
  CHECK(p[0].value == "alice,bob");
  CHECK(p[1].value == "a\tb");
  CHECK(p[2].value == "\xc3\xa9");
  CHECK(p[3].key == "eq=key");
  CHECK(p[4].value == "c:\\dir");
}

TEST_CASE("security: ENC(...) values are kept whole") {
  const auto p = parse_properties("admin = ENC(1024:AB12:CD34)\n");
  REQUIRE(p.size() == 1);
  CHECK(p[0].value == "ENC(1024:AB12:CD34)");
}
