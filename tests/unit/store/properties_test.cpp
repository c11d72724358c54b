#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "store/properties.hpp"

using namespace artemis::store;

TEST_CASE("store: properties keep every type and read back in place") {
  Properties p;
  p.set("n", PropertyValue());
  p.set("t", true);
  p.set("b", std::int8_t{-7});
  p.set("s", std::int16_t{-30000});
  p.set("i", std::int32_t{-2000000000});
  p.set("l", std::int64_t{-9000000000000000000});
  p.set("f", 1.5f);
  p.set("d", -2.25e300);
  p.set("str", "héllo");
  p.set("bin", Binary{std::string("\0\x01\xff", 3)});
  CHECK(p.size() == 10);
  CHECK(p.find("n")->is_null());
  CHECK(p.find("t")->as_bool() == true);
  CHECK(p.find("b")->as_integer() == -7);
  CHECK(p.find("b")->type() == PropertyType::int8);
  CHECK(p.find("s")->as_integer() == -30000);
  CHECK(p.find("i")->as_integer() == -2000000000);
  CHECK(p.find("l")->as_integer() == -9000000000000000000);
  CHECK(p.find("f")->float32() == 1.5f);
  CHECK(p.find("f")->as_floating() == 1.5);
  CHECK(p.find("d")->as_floating() == -2.25e300);
  CHECK(p.find("str")->text() == "héllo");
  CHECK_FALSE(p.find("str")->binary().has_value());
  CHECK(p.find("bin")->binary() == std::string_view("\0\x01\xff", 3));
  CHECK_FALSE(p.find("bin")->text().has_value());
  CHECK_FALSE(p.find("absent").has_value());
  // Every value converts back to the PropertyValue it came from.
  CHECK(p.at("s") == PropertyValue(std::int16_t{-30000}));
  CHECK(p.at("f") == PropertyValue(1.5f));
  CHECK(p.at("bin") == PropertyValue(Binary{std::string("\0\x01\xff", 3)}));
  CHECK(p.at("n").is_null());
  CHECK_THROWS_AS((void)p.at("absent"), std::out_of_range);
}

TEST_CASE("store: properties iterate in insertion order; set replaces in place") {
  Properties p{{"z", "1"}, {"a", "2"}, {"m", std::int32_t{3}}};
  p.set("a", "a much longer value than the one it replaces");
  std::vector<std::string> keys;
  for (const auto& [k, v] : p) keys.emplace_back(k);
  CHECK(keys == std::vector<std::string>{"z", "a", "m"});
  CHECK(p.find("a")->text() == "a much longer value than the one it replaces");
  CHECK(p.find("m")->as_integer() == 3);  // the entry after the replaced one is intact
  CHECK(p.size() == 3);
}

TEST_CASE("store: properties emplace keeps the first value; erase removes one entry") {
  Properties p;
  CHECK(p.emplace("k", "first"));
  CHECK_FALSE(p.emplace("k", "second"));
  CHECK(p.find("k")->text() == "first");
  p.set("other", std::int64_t{5});
  CHECK(p.erase("k"));
  CHECK_FALSE(p.erase("k"));
  CHECK(p.size() == 1);
  CHECK_FALSE(p.contains("k"));
  CHECK(p.find("other")->as_integer() == 5);
  CHECK(p.erase("other"));
  CHECK(p.empty());
  CHECK(p.begin() == p.end());
}

TEST_CASE("store: properties compare by content, not by order") {
  Properties a{{"x", "1"}, {"y", std::int32_t{2}}};
  Properties b{{"y", std::int32_t{2}}, {"x", "1"}};
  CHECK(a == b);
  b.set("y", std::int64_t{2});  // same number, another type
  CHECK_FALSE(a == b);
  Properties c{{"x", "1"}};
  CHECK_FALSE(a == c);
  a.shrink_to_fit();
  CHECK(a.find("x")->text() == "1");
}

TEST_CASE("store: properties take keys and values with any bytes, empty ones included") {
  Properties p;
  const std::string key("k\0ey", 4);
  p.set(key, std::string("v\0al", 4));
  p.set("", "");
  CHECK(p.find(key)->text() == std::string_view("v\0al", 4));
  CHECK(p.find("")->text() == "");
  CHECK(p.size() == 2);
}

TEST_CASE("store: properties hold keys and values longer than a one-byte length") {
  Properties p;
  const std::string long_key(200, 'k');
  const std::string huge_value(70000, 'v');
  p.set("a", "1");
  p.set(long_key, huge_value);
  p.set("b", std::int32_t{2});
  CHECK(p.find(long_key)->text() == huge_value);
  CHECK(p.find("b")->as_integer() == 2);
  std::vector<std::size_t> key_sizes;
  for (const auto& [k, v] : p) key_sizes.push_back(k.size());
  CHECK(key_sizes == std::vector<std::size_t>{1, 200, 1});
}

TEST_CASE("store: text properties without a PropertyValue; text_entry_size is what one takes") {
  Properties p;
  const std::string long_key(130, 'k');
  const std::string long_text(300, 't');
  std::size_t expected = 0;
  for (const auto& [k, v] : {std::pair<std::string_view, std::string_view>{"a", "1"},
                             {long_key, "x"},
                             {"b", long_text},
                             {"", ""}}) {
    const auto before = p.byte_size();
    CHECK(p.emplace_text(k, v));
    CHECK(p.byte_size() - before == Properties::text_entry_size(k.size(), v.size()));
    expected += Properties::text_entry_size(k.size(), v.size());
  }
  CHECK(p.byte_size() == expected);
  CHECK_FALSE(p.emplace_text("a", "other"));  // the first wins
  CHECK(p.find("a")->text() == "1");
  p.set_text("a", "replaced");  // keeps its place
  p.set_text("c", "new");
  std::vector<std::string> keys;
  for (const auto& [k, v] : p) keys.emplace_back(k);
  CHECK(keys == std::vector<std::string>{"a", long_key, "b", "", "c"});
  CHECK(p.find("a")->text() == "replaced");
  CHECK(p.find("b")->text() == long_text);
  CHECK(p.size() == 5);
}
