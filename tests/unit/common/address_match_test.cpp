#include "match/address_match.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using artemis::match::compare_precedence;
using artemis::match::matches;
using artemis::match::Wildcards;

TEST_CASE("common: wildcard matching follows the reference examples") {
  CHECK(matches("news.europe.#", "news.europe"));
  CHECK(matches("news.europe.#", "news.europe.sport"));
  CHECK(matches("news.europe.#", "news.europe.sport.tennis"));
  CHECK_FALSE(matches("news.europe.#", "news.usa"));
  CHECK_FALSE(matches("news.europe.#", "news"));
  CHECK(matches("news.*", "news.usa"));
  CHECK_FALSE(matches("news.*", "news.usa.sport"));
  CHECK_FALSE(matches("news.*", "news"));
  CHECK(matches("news.#", "news.europe"));
  CHECK(matches("news.#", "news"));
  CHECK(matches("#", "anything.at.all"));
  CHECK(matches("#", "DLQ"));
  CHECK(matches("activemq.management.#", "activemq.management"));
  CHECK(matches("activemq.management.#", "activemq.management.abc"));
  CHECK_FALSE(matches("activemq.management.#", "activemq.managementx"));
}

TEST_CASE("common: literal patterns match only themselves") {
  CHECK(matches("orders", "orders"));
  CHECK_FALSE(matches("orders", "orders.eu"));
  CHECK_FALSE(matches("orders.eu", "orders"));
  CHECK_FALSE(matches("orders", "order"));
  // Wildcards act on whole words: "news*" and "n#" are literal words.
  CHECK_FALSE(matches("news*", "newsx"));
  CHECK_FALSE(matches("n#", "news"));
  CHECK(matches("n#", "n#"));
}

TEST_CASE("common: '#' in the middle or at the start absorbs zero or more words") {
  CHECK(matches("a.#.b", "a.b"));
  CHECK(matches("a.#.b", "a.x.b"));
  CHECK(matches("a.#.b", "a.x.y.z.b"));
  CHECK_FALSE(matches("a.#.b", "a.x.y.z.c"));
  CHECK(matches("#.b", "b"));
  CHECK(matches("#.b", "x.y.b"));
  CHECK_FALSE(matches("#.b", "x.y.bb"));
  CHECK(matches("a.#.b.#.c", "a.b.b.x.c"));
  CHECK(matches("#.*", "x"));
  CHECK_FALSE(matches("*.*", "x"));
  CHECK(matches("*.#", "x"));
  CHECK(matches("a.*.#", "a.x.y"));
  CHECK_FALSE(matches("a.*.#", "a"));
}

TEST_CASE("common: '*' matches exactly one word, which may be empty") {
  CHECK(matches("*.abc", ".abc"));  // MQTT "/abc" converted to ".abc"
  CHECK(matches("a.*.c", "a.b.c"));
  CHECK_FALSE(matches("a.*.c", "a.b.b.c"));
  CHECK_FALSE(matches("a.*.c", "a.c"));
}

TEST_CASE("common: the wildcard characters and delimiter are configurable") {
  Wildcards mqtt{'/', '#', '+'};
  CHECK(matches("sport/+/player1", "sport/tennis/player1", mqtt));
  CHECK_FALSE(matches("sport/+/player1", "sport/tennis/x/player1", mqtt));
  CHECK(matches("sport/#", "sport/tennis/x", mqtt));
  CHECK_FALSE(matches("sport.#", "sport.tennis", mqtt));  // '.' is an ordinary character here
  Wildcards gt{'.', '>', '*'};
  CHECK(matches("a.>", "a.b.c", gt));
  CHECK_FALSE(matches("a.#", "a.b.c", gt));
}

TEST_CASE("common: hostile patterns finish quickly") {
  std::string pattern, address;
  for (int i = 0; i < 2000; ++i) pattern += "#.";
  pattern += "z";
  for (int i = 0; i < 2000; ++i) address += "a.";
  address += "y";
  CHECK_FALSE(matches(pattern, address));
  address.back() = 'z';
  CHECK(matches(pattern, address));
}

TEST_CASE("common: precedence - without '#' beats with '#', longer '#' match wins") {
  CHECK(compare_precedence("news.europe", "news.#") < 0);
  CHECK(compare_precedence("news.*", "news.#") < 0);  // no '#' beats '#', even with '*'
  CHECK(compare_precedence("#", "news.#") > 0);
  CHECK(compare_precedence("news.europe.#", "news.#") < 0);
  CHECK(compare_precedence("activemq.management.#", "#") < 0);
}

TEST_CASE("common: precedence - without '*' beats with '*', literal beats '*' word by word") {
  CHECK(compare_precedence("news.europe", "news.*") < 0);
  CHECK(compare_precedence("news.europe.*", "news.*.sport") < 0);
  CHECK(compare_precedence("news.*.sport", "news.europe.*") > 0);
  CHECK(compare_precedence("a.b.c", "a.b") < 0);  // otherwise longer wins
  CHECK(compare_precedence("x", "x") == 0);
  // Equally specific but different: a total order, antisymmetric.
  CHECK(compare_precedence("ab", "cd") == -compare_precedence("cd", "ab"));
  CHECK(compare_precedence("ab", "cd") != 0);
}

TEST_CASE("common: most_specific picks the single winner; merge order sorts all matches") {
  const std::vector<std::string> patterns{"#", "news.#", "news.europe.#", "news.*", "news.europe",
                                          "activemq.management.#", "sport"};
  auto best = artemis::match::most_specific(patterns, "news.europe");
  REQUIRE(best);
  CHECK(patterns[*best] == "news.europe");
  best = artemis::match::most_specific(patterns, "news.usa");
  REQUIRE(best);
  CHECK(patterns[*best] == "news.*");
  best = artemis::match::most_specific(patterns, "news.usa.ny");
  REQUIRE(best);
  CHECK(patterns[*best] == "news.#");
  best = artemis::match::most_specific(patterns, "orders");
  REQUIRE(best);
  CHECK(patterns[*best] == "#");
  CHECK_FALSE(artemis::match::most_specific(std::vector<std::string>{"a", "b.*"}, "c"));

  auto order = artemis::match::matching_by_precedence(patterns, "news.europe");
  std::vector<std::string> names;
  for (auto i : order) names.push_back(patterns[i]);
  CHECK(names == std::vector<std::string>{"news.europe", "news.*", "news.europe.#", "news.#", "#"});
}

TEST_CASE("common: most_specific_by works on any record with a match field") {
  struct Setting {
    std::string match;
    int id;
  };
  std::vector<Setting> settings{{"#", 1}, {"orders.#", 2}, {"orders.eu", 3}};
  auto proj = [](const Setting& s) -> std::string_view { return s.match; };
  const Setting* s = artemis::match::most_specific_by(settings, "orders.eu", {}, proj);
  REQUIRE(s != nullptr);
  CHECK(s->id == 3);
  s = artemis::match::most_specific_by(settings, "orders.us", {}, proj);
  REQUIRE(s != nullptr);
  CHECK(s->id == 2);
  std::vector<Setting> none{{"a", 1}};
  CHECK(artemis::match::most_specific_by(none, "b", {}, proj) == nullptr);
}

TEST_CASE("common: a backslash makes the next character literal") {
  CHECK(matches("v1\\.2.*", "v1\\.2.x"));      // one word "v1\.2", then any word
  CHECK_FALSE(matches("v1.*.x", "v1\\.2.x"));  // "v1\.2" is not the two words "v1", "2"
  CHECK_FALSE(matches("a.\\*", "a.b"));        // an escaped '*' is no wildcard
  CHECK(matches("a.\\*", "a.\\*"));
  CHECK_FALSE(artemis::match::has_wildcards("a.\\#"));
  CHECK(matches("a.#", "a.b\\.c.d"));
}
