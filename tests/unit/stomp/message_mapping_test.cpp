// STOMP <-> typed message properties: headers arrive as string properties; every typed property
// (an AMQP or MQTT client may have set it) leaves as a string header.
#include "protocol/stomp/message_mapping.hpp"

#include <doctest/doctest.h>

using namespace artemis;
using namespace artemis::protocol::stomp_session;
using store::Binary;
using store::PropertyValue;

TEST_CASE("stomp: SEND headers become string properties") {
  codec::Frame send;
  send.command = "SEND";
  send.add("destination", "q");
  send.add("count", "5");
  send.add("flag", "true");
  std::string why;
  auto m = message_from_send(send, "", std::nullopt, 1000, why);
  REQUIRE(m.has_value());
  const auto& props = (*m)->record.properties;
  CHECK(props.at("count") == PropertyValue("5"));
  CHECK(props.at("flag").type() == store::PropertyType::string);
  CHECK_FALSE(props.contains("destination"));
}

TEST_CASE("stomp: typed properties go out as string headers") {
  auto m = core::make_message();
  m->record.address = "q";
  m->record.type = store::BodyType::map;
  m->record.body = std::string("\0\x01", 2);
  m->record.properties = {
      {"i", PropertyValue(std::int32_t{-5})}, {"l", PropertyValue(std::int64_t{1} << 40)},
      {"b", PropertyValue(false)},            {"d", PropertyValue(2.0)},
      {"s", PropertyValue("text")},           {"raw", PropertyValue(Binary{"\x0f"})},
      {"n", PropertyValue()},
  };
  std::string bytes;
  encode_message(bytes, core::MessageRef{m}, DeliveryHeaders{"sub", "1,1", false}, codec::Version::v1_2);
  codec::Decoder decoder;
  decoder.feed(bytes);
  codec::Frame f;
  REQUIRE(decoder.next(f) == codec::Decoder::Status::frame);
  CHECK(f.command == "MESSAGE");
  REQUIRE(f.header("i") != nullptr);
  CHECK(*f.header("i") == "-5");
  CHECK(*f.header("l") == "1099511627776");
  CHECK(*f.header("b") == "false");
  CHECK(*f.header("d") == "2.0");
  CHECK(*f.header("s") == "text");
  CHECK(*f.header("raw") == "0f");
  CHECK(f.header("n") == nullptr);  // a null has no text
  // A body the broker does not interpret may hold NULs: its length goes with it.
  REQUIRE(f.header("content-length") != nullptr);
  CHECK(*f.header("content-length") == "2");
  CHECK(f.body == m->record.body);
}
