// The MQTT module's pure parts: topics and filters against addresses, the message mapping both
// ways, and detection on a shared port.
#include <doctest/doctest.h>

#include "core/broker_core.hpp"
#include "match/address_match.hpp"
#include "protocol/mqtt/message_mapping.hpp"
#include "protocol/mqtt/mqtt_module.hpp"
#include "protocol/mqtt/topics.hpp"

using namespace artemis;
namespace mq = artemis::protocol::mqtt;

TEST_CASE("mqtt: topics and filters become addresses and back") {
  CHECK(mq::address_of_topic("sport/tennis/+") == "sport.tennis.*");
  CHECK(mq::address_of_topic("sport/#") == "sport.#");
  CHECK(mq::address_of_topic("/a/b") == ".a.b");
  CHECK(mq::topic_of_address("sport.tennis.x") == "sport/tennis/x");
  // What is literal in MQTT but special to the broker is escaped, and comes back.
  CHECK(mq::address_of_topic("v1.2/a*b/c\\d") == "v1\\.2.a\\*b.c\\\\d");
  CHECK(mq::topic_of_address("v1\\.2.a\\*b.c\\\\d") == "v1.2/a*b/c\\d");
  CHECK(artemis::match::matches(mq::address_of_topic("v1.2/+"), mq::address_of_topic("v1.2/x")));
  CHECK_FALSE(
      artemis::match::matches(mq::address_of_topic("v1/+/x"), mq::address_of_topic("v1.2/x")));
  CHECK(mq::valid_filter("a/+/c"));
  CHECK(mq::valid_filter("#"));
  CHECK(mq::valid_filter("a/#"));
  CHECK_FALSE(mq::valid_filter(""));
  CHECK_FALSE(mq::valid_filter("a/#/c"));
  CHECK_FALSE(mq::valid_filter("a/b+"));
  CHECK_FALSE(mq::valid_filter("a#"));
  CHECK(mq::filter_matches("a/+/c", "a/b/c"));
  CHECK(mq::filter_matches("a/#", "a"));
  CHECK(mq::filter_matches("a/#", "a/b/c"));
  CHECK_FALSE(mq::filter_matches("a/+", "a/b/c"));
  CHECK_FALSE(mq::filter_matches("#", "$SYS/x"));  // a leading wildcard skips $ topics
  CHECK(mq::filter_matches("$SYS/#", "$SYS/x"));
}

TEST_CASE("mqtt: a PUBLISH keeps its QoS and MQTT 5 fields through the core message") {
  mqtt::Publish p;
  p.topic = "a/b";
  p.payload = std::string("\0\1bytes", 7);
  p.qos = 1;
  p.properties.message_expiry_interval = 60;
  p.properties.payload_format_indicator = 1;
  p.properties.response_topic = "replies";
  p.properties.correlation_data = std::string("\xff\0", 2);
  p.properties.content_type = "application/json";
  p.properties.user_properties = {{"z", "1"}, {"a", "2"}, {"z", "3"}};
  auto m = mq::message_from_publish(p, 1'000'000);
  m->record.address = "a.b";
  CHECK(m->record.durable);
  CHECK(m->record.body == p.payload);
  CHECK(m->record.expiration == 1'060'000);
  CHECK(mq::published_qos(*m) == 1);

  mqtt::Publish out;
  mq::publish_from_message(*m, true, 1'000'500, out);
  CHECK(out.topic == "a/b");
  CHECK(out.payload == p.payload);
  CHECK(out.properties.message_expiry_interval == 60u);  // the time left, rounded up
  auto expected = p.properties;
  expected.message_expiry_interval = 60;
  CHECK(out.properties == expected);  // user properties in their order, duplicates kept

  mqtt::Publish old;
  mq::publish_from_message(*m, false, 0, old);
  CHECK(old.properties == mqtt::Properties{});  // 3.1.1 has none
}

TEST_CASE("mqtt: another protocol's message counts as QoS 2 and keeps its bytes") {
  core::Message m;
  m.record.address = "news.x";
  m.record.body = "text from STOMP";
  CHECK(mq::published_qos(m) == 2);
  mqtt::Publish out;
  mq::publish_from_message(m, true, 0, out);
  CHECK(out.topic == "news/x");
  CHECK(out.payload == "text from STOMP");
}
