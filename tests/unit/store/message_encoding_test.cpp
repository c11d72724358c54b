// MessageRecord layouts: v3 (the properties' packed buffer) and v2 keep every property type and
// body kind; v2 and v1 journals (v1: every property a string) still load.
#include <doctest/doctest.h>

#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <sstream>

#include "store/bytes.hpp"
#include "store/encodings.hpp"
#include "store/record_types.hpp"

using namespace artemis::store;

namespace {

std::span<const std::uint8_t> span_of_bytes(const std::vector<std::uint8_t>& v) { return {v.data(), v.size()}; }

MessageRecord typed_message() {
  MessageRecord m;
  m.id = 42;
  m.address = "orders";
  m.durable = true;
  m.priority = 6;
  m.expiration = 5000;
  m.timestamp = 1700000000000;
  m.scheduled = 1700000001000;
  m.routing_type = RoutingType::multicast;
  m.properties = {
      {"n", PropertyValue()},
      {"t", PropertyValue(true)},
      {"f", PropertyValue(false)},
      {"b", PropertyValue(std::int8_t{-7})},
      {"s", PropertyValue(std::int16_t{-30000})},
      {"i", PropertyValue(std::int32_t{-2000000000})},
      {"l", PropertyValue(std::int64_t{-9000000000000000000})},
      {"fl", PropertyValue(1.5f)},
      {"d", PropertyValue(-2.25e300)},
      {"str", PropertyValue("héllo")},
      {"empty", PropertyValue("")},
      {"bin", PropertyValue(Binary{std::string("\0\x01\xff", 3)})},
  };
  m.body = std::string("body\0bytes", 10);
  return m;
}

// The v1 encoder as it was before v2, kept here to produce the old bytes.
std::vector<std::uint8_t> encode_v1(const MessageRecord& m) {
  ByteWriter w;
  w.u8(record::layout_v1);
  w.u64(m.id);
  w.str(m.address);
  w.u8(m.durable ? 1 : 0);
  w.u8(m.priority);
  w.i64(m.expiration);
  w.i64(m.timestamp);
  w.i64(m.scheduled);
  w.u8(static_cast<std::uint8_t>(m.type));
  w.u8(m.routing_type ? static_cast<std::uint8_t>(*m.routing_type) : 255);
  w.u32(static_cast<std::uint32_t>(m.properties.size()));
  for (const auto& [k, v] : m.properties) {
    w.str(k);
    w.str(*v.text());
  }
  w.str(m.body);
  return std::move(w.bytes());
}

}  // namespace

TEST_CASE("store: v3 and v2 message records keep every property type") {
  const auto m = typed_message();
  const auto v3 = encode(m);
  REQUIRE(v3.at(0) == (std::endian::native == std::endian::little ? record::layout_v3 : record::layout_v2));
  const auto v2 = encode_v2(m);
  for (const auto* bytes : {&v3, &v2}) {
    CAPTURE(bytes->at(0));
    const auto back = decode_message(span_of_bytes(*bytes));
    REQUIRE(back.has_value());
    CHECK(back->id == 42);
    CHECK(back->address == "orders");
    CHECK(back->durable);
    CHECK(back->priority == 6);
    CHECK(back->expiration == 5000);
    CHECK(back->timestamp == 1700000000000);
    CHECK(back->scheduled == 1700000001000);
    CHECK(back->routing_type == RoutingType::multicast);
    CHECK(back->body == m.body);
    CHECK(back->properties == m.properties);
    CHECK(back->properties.at("n").is_null());
    CHECK(back->properties.at("b").type() == PropertyType::int8);
    CHECK(*back->properties.at("s").get_if<std::int16_t>() == -30000);
    CHECK(*back->properties.at("i").get_if<std::int32_t>() == -2000000000);
    CHECK(back->properties.at("l").as_integer() == -9000000000000000000);
    CHECK(*back->properties.at("fl").get_if<float>() == 1.5f);
    CHECK(*back->properties.at("d").get_if<double>() == -2.25e300);
    CHECK(*back->properties.at("str").string_value() == "héllo");
    CHECK(back->properties.at("bin").get_if<Binary>()->data == std::string("\0\x01\xff", 3));
  }
}

TEST_CASE("store: a v2 message record keeps every body kind") {
  for (auto kind : {BodyType::default_type, BodyType::object, BodyType::text, BodyType::bytes,
                    BodyType::map, BodyType::stream, BodyType::amqp}) {
    MessageRecord m;
    m.id = 1;
    m.type = kind;
    m.body = std::string("\x00\x53\x77\xa1\x02hi", 7);  // opaque: never interpreted
    const auto back = decode_message(span_of_bytes(encode(m)));
    INFO("kind " << body_type_name(kind));
    REQUIRE(back.has_value());
    CHECK(back->type == kind);
    CHECK(back->body == m.body);
    CHECK_FALSE(back->routing_type.has_value());
  }
}

TEST_CASE("store: a v2 record with an unknown property tag or body kind does not decode") {
  MessageRecord m;
  m.properties = {{"k", PropertyValue(std::int32_t{1})}};
  auto bytes = encode_v2(m);
  // The tag sits after the key: nprops:u32, then key "k" (4 + 1 bytes).
  const std::size_t props_at = 1 + 8 + 4 + 1 + 1 + 8 + 8 + 8 + 1 + 1;
  const std::size_t tag_at = props_at + 4 + 4 + 1;
  REQUIRE(bytes.at(tag_at) == static_cast<std::uint8_t>(PropertyType::int32));
  auto bad_tag = bytes;
  bad_tag[tag_at] = 11;  // char: a type we do not keep
  CHECK_FALSE(decode_message(span_of_bytes(bad_tag)).has_value());
  auto bad_kind = bytes;
  bad_kind[props_at - 2] = 7;  // Artemis's embedded kind
  CHECK_FALSE(decode_message(span_of_bytes(bad_kind)).has_value());
  bytes.pop_back();
  CHECK_FALSE(decode_message(span_of_bytes(bytes)).has_value());
}

TEST_CASE("store: a v3 record with damaged properties does not decode, whatever the damage") {
  MessageRecord m;
  m.properties = {{"k", PropertyValue(std::int32_t{1})}, {"text", PropertyValue("abc")}};
  const auto bytes = encode(m);
  // props:str comes after the fixed fields: its u32 length, then key "k" (varint 1 + 1 byte).
  const std::size_t props_at = 1 + 8 + 4 + 1 + 1 + 8 + 8 + 8 + 1 + 1;
  const std::size_t packed_size = m.properties.packed().size();
  const std::size_t tag_at = props_at + 4 + 1 + 1;
  REQUIRE(bytes.at(tag_at) == static_cast<std::uint8_t>(PropertyType::int32));
  auto bad_tag = bytes;
  bad_tag[tag_at] = 11;
  CHECK_FALSE(decode_message(span_of_bytes(bad_tag)).has_value());
  auto endless_varint = bytes;  // a key length whose varint never ends inside the buffer
  for (std::size_t i = props_at + 4; i < props_at + 4 + packed_size; ++i) endless_varint[i] = 0xff;
  CHECK_FALSE(decode_message(span_of_bytes(endless_varint)).has_value());
  // Every single damaged byte of the properties decodes to something or to nothing, never
  // reads out of bounds (the sanitizers watch), and a value can never outgrow its buffer.
  for (std::size_t i = props_at + 4; i < props_at + 4 + packed_size; ++i) {
    for (std::uint8_t v : {std::uint8_t{0}, std::uint8_t{0x7f}, std::uint8_t{0x80}, std::uint8_t{0xff}}) {
      auto damaged = bytes;
      damaged[i] = v;
      if (const auto back = decode_message(span_of_bytes(damaged)))
        for (const auto& [k, value] : back->properties) CHECK(k.size() <= packed_size);
    }
  }
  // A packed buffer that ends inside an entry: the length says less than the entries need.
  const std::size_t first_entry = 1 + 1 + 1 + 4;  // "k" and its int32
  for (std::size_t cut = 1; cut < packed_size; ++cut) {
    CAPTURE(cut);
    const auto p = Properties::from_packed(m.properties.packed().substr(0, cut));
    if (cut == first_entry) {
      REQUIRE(p.has_value());
      CHECK(p->size() == 1);
    } else {
      CHECK_FALSE(p.has_value());
    }
  }
}

TEST_CASE("store: a v1 message record still decodes, every property as a string") {
  MessageRecord m;
  m.id = 9;
  m.address = "legacy";
  m.priority = 4;
  m.type = BodyType::bytes;
  m.routing_type = RoutingType::anycast;
  m.properties = {{"color", "red"}, {"count", "5"}, {"_AMQ_DUPL_ID", "abc"}};
  m.body = std::string("a\0b", 3);
  const auto back = decode_message(span_of_bytes(encode_v1(m)));
  REQUIRE(back.has_value());
  CHECK(back->id == 9);
  CHECK(back->type == BodyType::bytes);
  CHECK(back->routing_type == RoutingType::anycast);
  CHECK(back->properties == m.properties);
  CHECK(back->properties.at("count").type() == PropertyType::string);
  CHECK(back->body == m.body);
  // Written again, the message becomes v3 with the same content.
  const auto v3 = decode_message(span_of_bytes(encode(*back)));
  REQUIRE(v3.has_value());
  CHECK(v3->properties == m.properties);
}

TEST_CASE("store: the checked-in v1 fixture decodes") {
  // A v1 body as the v1 broker wrote it: id 7, address "q", durable, priority 4, timestamp
  // 1000, TEXT, ANYCAST, properties color=red and n=5, body "hi".
  const std::vector<std::uint8_t> v1{
      0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x71, 0x01, 0x04,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xe8,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
      0x00, 0x05, 0x63, 0x6f, 0x6c, 0x6f, 0x72, 0x00, 0x00, 0x00, 0x03, 0x72, 0x65, 0x64, 0x00, 0x00,
      0x00, 0x01, 0x6e, 0x00, 0x00, 0x00, 0x01, 0x35, 0x00, 0x00, 0x00, 0x02, 0x68, 0x69};
  const auto m = decode_message(span_of_bytes(v1));
  REQUIRE(m.has_value());
  CHECK(m->id == 7);
  CHECK(m->address == "q");
  CHECK(m->durable);
  CHECK(m->timestamp == 1000);
  CHECK(m->type == BodyType::text);
  CHECK(m->routing_type == RoutingType::anycast);
  CHECK(m->properties == Properties{{"color", "red"}, {"n", "5"}});
  CHECK(m->body == "hi");
  // v1 knew only TEXT and BYTES: another kind in a v1 body is damage, not a newer kind.
  auto map_kind = v1;
  map_kind[40] = static_cast<std::uint8_t>(BodyType::map);
  CHECK_FALSE(decode_message(span_of_bytes(map_kind)).has_value());
}

TEST_CASE("store: property values render as text protocols show them") {
  CHECK(PropertyValue().as_string().empty());
  CHECK(PropertyValue(true).as_string() == "true");
  CHECK(PropertyValue(std::int8_t{-1}).as_string() == "-1");
  CHECK(PropertyValue(std::int16_t{300}).as_string() == "300");
  CHECK(PropertyValue(std::int32_t{-5}).as_string() == "-5");
  CHECK(PropertyValue(std::int64_t{1} << 40).as_string() == "1099511627776");
  CHECK(PropertyValue(1.0).as_string() == "1.0");
  CHECK(PropertyValue(1.5f).as_string() == "1.5");
  CHECK(PropertyValue(0.1f).as_string() == "0.1");
  CHECK(PropertyValue(std::numeric_limits<double>::quiet_NaN()).as_string() == "NaN");
  CHECK(PropertyValue(-std::numeric_limits<double>::infinity()).as_string() == "-Infinity");
  CHECK(PropertyValue("x y").as_string() == "x y");
  CHECK(PropertyValue(Binary{std::string("\x00\xab", 2)}).as_string() == "00ab");
  CHECK(PropertyValue(std::int32_t{5}) != PropertyValue("5"));  // a type is part of the value
  CHECK(PropertyValue(std::int32_t{5}) != PropertyValue(std::int64_t{5}));
  CHECK(sizeof(PropertyValue) <= sizeof(std::string) + 8);
}

TEST_CASE("store: data print shows typed properties with their type") {
  MessageRecord m;
  m.id = 3;
  m.type = BodyType::map;
  m.properties = {{"color", "red"}, {"count", PropertyValue(std::int32_t{5})},
                  {"ok", PropertyValue(true)}, {"raw", PropertyValue(Binary{"\x01"})},
                  {"none", PropertyValue()}};
  std::ostringstream out;
  out << m;
  const auto text = out.str();
  CHECK(text.find("type=MAP") != std::string::npos);
  CHECK(text.find("color=red") != std::string::npos);
  CHECK(text.find("count=(int)5") != std::string::npos);
  CHECK(text.find("ok=(boolean)true") != std::string::npos);
  CHECK(text.find("raw=(bytes)01") != std::string::npos);
  CHECK(text.find("none=null") != std::string::npos);
}
