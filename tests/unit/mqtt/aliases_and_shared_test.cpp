// MQTT 5 topic aliases each way and shared subscription filters ($share/<group>/<filter>).
#include <doctest/doctest.h>

#include "protocol/mqtt/topic_aliases.hpp"
#include "protocol/mqtt/topics.hpp"

using namespace artemis::protocol::mqtt;
using Result = InboundAliases::Result;

TEST_CASE("mqtt aliases: the client's are set by a topic and used alone after") {
  InboundAliases in(10);
  std::string topic = "a/b";
  CHECK(in.resolve(topic, 3) == Result::ok);
  topic.clear();
  CHECK(in.resolve(topic, 3) == Result::ok);
  CHECK(topic == "a/b");
  topic = "c";  // set again: the alias now names another topic
  CHECK(in.resolve(topic, 3) == Result::ok);
  topic.clear();
  CHECK(in.resolve(topic, 3) == Result::ok);
  CHECK(topic == "c");

  std::string none;
  CHECK(in.resolve(none, 4) == Result::unknown);
  CHECK(in.resolve(none, 0) == Result::invalid);
  CHECK(in.resolve(none, 11) == Result::invalid);
  CHECK(InboundAliases(0).resolve(topic, 1) == Result::invalid);
}

TEST_CASE("mqtt aliases: the topics a client may make us keep are bounded") {
  InboundAliases in(65535);
  const std::string big(60000, 't');
  std::size_t kept = 0;
  std::uint16_t alias = 1;
  for (; alias < 100; ++alias) {
    std::string topic = big;
    if (in.resolve(topic, alias) != Result::ok) break;
    kept += big.size();
  }
  CHECK(kept <= InboundAliases::kMaxTopicBytes);
  CHECK(alias < 100);
  std::string again = big;  // replacing a kept topic frees its bytes first
  CHECK(in.resolve(again, 1) == Result::ok);
}

TEST_CASE("mqtt aliases: ours go to topics in order up to the client's maximum") {
  OutboundAliases out(2);
  auto first = out.choose("a");
  CHECK(first.alias == 1);
  CHECK(first.with_topic);
  // Not sent (over the client's packet size): nothing kept, the next choice is the same.
  CHECK(out.choose("a").alias == 1);
  out.commit("a", first);
  CHECK(out.choose("a").alias == 1);
  CHECK_FALSE(out.choose("a").with_topic);
  auto second = out.choose("b");
  out.commit("b", second);
  CHECK(second.alias == 2);
  CHECK(out.choose("c").alias == 0);  // full: sent by name
  CHECK(OutboundAliases(0).choose("a").alias == 0);
}

TEST_CASE("mqtt: shared subscription filters") {
  const auto s = parse_shared("$share/group1/sport/+/score");
  REQUIRE(s);
  CHECK(s->group == "group1");
  CHECK(s->filter == "sport/+/score");
  CHECK(is_shared("$share/g/#"));
  CHECK_FALSE(is_shared("$sharex/g/t"));
  CHECK_FALSE(parse_shared("sport/#"));
  CHECK_FALSE(parse_shared("$share/g"));
  CHECK_FALSE(parse_shared("$share//t"));
  CHECK_FALSE(parse_shared("$share/g+/t"));
  CHECK_FALSE(parse_shared("$share/g/"));
  CHECK_FALSE(parse_shared("$share/g/a/#/b"));
}
