// The MQTT codec: bytes from the specifications' examples, every packet type through encode
// and decode in 3.1.1 and 5 (whole and byte by byte), and what each malformed packet is.
#include <doctest/doctest.h>

#include <ostream>  // doctest prints std::error_code
#include <string>
#include <vector>

#include "mqtt/codec.hpp"

// A namespace of its own: the unity build puts this file next to the STOMP codec's tests,
// whose Decoder and Version are other types.
namespace mqtt_codec_test {

using namespace artemis::mqtt;

namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (const int c : b) s.push_back(static_cast<char>(c));
  return s;
}

// Every packet decoded from `data` (which must end on a packet boundary).
std::vector<Packet> decode_all(const std::string& data, Version v, std::size_t piece) {
  Decoder d;
  d.set_version(v);
  std::vector<Packet> out;
  for (std::size_t at = 0; at < data.size(); at += piece) {
    d.feed(std::string_view(data).substr(at, piece));
    Packet p;
    for (auto st = d.next(p); st == Decoder::Status::packet; st = d.next(p)) out.push_back(p);
    REQUIRE_MESSAGE(!d.error(), d.why());
  }
  CHECK(d.buffered() == 0);
  return out;
}

// The error decoding one packet of `data` gives, and its words.
std::error_code refusal(const std::string& data, Version v = Version::v5) {
  Decoder d;
  d.set_version(v);
  d.feed(data);
  Packet p;
  const auto st = d.next(p);
  CHECK(st == Decoder::Status::error);
  CHECK_FALSE(d.why().empty());
  return d.error();
}

Properties all_publish_properties() {
  Properties p;
  p.payload_format_indicator = 1;
  p.message_expiry_interval = 3600;
  p.content_type = "text/plain";
  p.response_topic = "replies/1";
  p.correlation_data = std::string("\0\x01\xff", 3);
  p.subscription_identifiers = {7, 268'435'455};
  p.topic_alias = 3;
  p.user_properties = {{"k", "v"}, {"k", "v2"}, {"ü", ""}};
  return p;
}

std::vector<Packet> samples(Version v) {
  const bool five = is_v5(v);
  Connect c;
  c.version = v;
  c.client_id = "client-1";
  c.clean_start = false;
  c.keep_alive = 30;
  c.username = "admin";
  c.password = std::string("p\0w", 3);
  c.will = Will{"last/words", std::string("bye\0", 4), 1, true, {}};
  ConnAck ca{true, five ? std::uint8_t{0x87} : std::uint8_t{5}, {}};
  Publish p0{"a/b", "hello", 0, false, false, 0, {}};
  Publish p2{"a/c", std::string(300, 'x'), 2, true, true, 65535, {}};
  Subscribe s{10, {{"a/+", 1, false, false, 0}, {"#", 2, false, false, 0}}, {}};
  SubAck sa{10, {1, 2, 0x80}, {}};
  Unsubscribe u{11, {"a/+", "#"}, {}};
  UnsubAck ua{11, {}, {}};
  Disconnect d;
  if (five) {
    c.properties.session_expiry_interval = 600;
    c.properties.receive_maximum = 20;
    c.properties.maximum_packet_size = 1 << 20;
    c.properties.topic_alias_maximum = 5;
    c.properties.request_problem_information = 0;
    c.properties.authentication_method = "SCRAM";
    c.properties.authentication_data = std::string("\0\1", 2);
    c.will->properties.will_delay_interval = 10;
    c.will->properties.content_type = "text/plain";
    ca.properties.assigned_client_identifier = "auto-1";
    ca.properties.server_keep_alive = 60;
    ca.properties.maximum_qos = 1;
    ca.properties.retain_available = 0;
    ca.properties.reason_string = "not allowed";
    ca.properties.shared_subscription_available = 1;
    p2.properties = all_publish_properties();
    s.properties.subscription_identifiers = {42};
    s.subscriptions[0].no_local = true;
    s.subscriptions[0].retain_as_published = true;
    s.subscriptions[1].retain_handling = 2;
    sa.properties.reason_string = "partly";
    ua.reasons = {0, 0x11};
    d.reason = 0x8e;
    d.properties.reason_string = "taken over";
    d.properties.server_reference = "other:1883";
  }
  std::vector<Packet> out{c, ca, p0, p2, s, sa, u, ua, PingReq{}, PingResp{}, d};
  for (const auto t :
       {PacketType::puback, PacketType::pubrec, PacketType::pubrel, PacketType::pubcomp}) {
    PubAck a{t, 65535, 0, {}};
    out.push_back(a);
    if (five) {
      a.reason = 0x10;
      out.push_back(a);
      a.properties.reason_string = "why";
      a.properties.user_properties = {{"a", "b"}};
      out.push_back(a);
    }
  }
  if (five) {
    Auth a;
    a.reason = 0x18;
    a.properties.authentication_method = "SCRAM";
    out.push_back(a);
    out.push_back(Auth{});
  }
  return out;
}

}  // namespace

TEST_CASE("mqtt: the specification's CONNECT and CONNACK bytes") {
  // A 3.1.1 CONNECT as mosquitto_pub sends it: clean session, keep-alive 60, client id "c".
  const auto connect = bytes({0x10, 0x0d, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 1, 'c'});
  const auto got = decode_all(connect, Version::v3_1_1, 1);
  REQUIRE(got.size() == 1);
  const auto& c = std::get<Connect>(got[0]);
  CHECK(c.version == Version::v3_1_1);
  CHECK(c.clean_start);
  CHECK(c.keep_alive == 60);
  CHECK(c.client_id == "c");
  CHECK_FALSE(c.will);
  CHECK_FALSE(c.username);
  std::string again;
  REQUIRE(encode(c, Version::v3_1_1, again));
  CHECK(again == connect);
  // MQTT 3.1 (MQIsdp, level 3) is read too.
  const auto v31 =
      bytes({0x10, 0x0f, 0, 6, 'M', 'Q', 'I', 's', 'd', 'p', 3, 0x02, 0, 10, 0, 1, 'x'});
  CHECK(std::get<Connect>(decode_all(v31, Version::v3_1_1, 3)[0]).version == Version::v3_1);
  std::string connack;
  REQUIRE(encode(ConnAck{true, 0, {}}, Version::v3_1_1, connack));
  CHECK(connack == bytes({0x20, 0x02, 0x01, 0x00}));
  std::string ping;
  REQUIRE(encode(PingReq{}, Version::v5, ping));
  CHECK(ping == bytes({0xc0, 0x00}));
}

TEST_CASE("mqtt: every packet survives encode and decode, whole and byte by byte") {
  for (const auto v : {Version::v3_1_1, Version::v5}) {
    CAPTURE(static_cast<int>(v));
    const auto sent = samples(v);
    std::string stream;
    for (const auto& p : sent) REQUIRE(encode(p, v, stream));
    for (const std::size_t piece : {stream.size(), std::size_t{1}, std::size_t{7}}) {
      CAPTURE(piece);
      const auto got = decode_all(stream, v, piece);
      REQUIRE(got.size() == sent.size());
      for (std::size_t i = 0; i < sent.size(); ++i) {
        CAPTURE(i);
        CHECK(got[i] == sent[i]);
      }
    }
  }
}

TEST_CASE("mqtt: a 3.1.1 ack has no reason code, a 5 success ack leaves it out") {
  std::string out;
  REQUIRE(encode(PubAck{PacketType::pubrel, 9, 0, {}}, Version::v5, out));
  CHECK(out == bytes({0x62, 0x02, 0x00, 0x09}));
  out.clear();
  REQUIRE(encode(PubAck{PacketType::puback, 9, 0x10, {}}, Version::v3_1_1, out));
  CHECK(out == bytes({0x40, 0x02, 0x00, 0x09}));
  out.clear();
  REQUIRE(encode(Disconnect{}, Version::v5, out));
  CHECK(out == bytes({0xe0, 0x00}));
}

TEST_CASE("mqtt: malformed packets and protocol errors are named") {
  const auto M = make_error_code(errc::malformed_packet);
  const auto P = make_error_code(errc::protocol_error);
  // CONNECT: reserved flag, will QoS 3, will flags without a will, unknown protocol, level.
  CHECK(refusal(bytes({0x10, 10, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x03, 0, 0, 0, 0})) == M);
  CHECK(refusal(bytes({0x10, 10, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x1e, 0, 0, 0, 0})) == M);
  CHECK(refusal(bytes({0x10, 10, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x22, 0, 0, 0, 0})) == M);
  CHECK(refusal(bytes({0x10, 10, 0, 4, 'M', 'Q', 'X', 'X', 4, 0x02, 0, 0, 0, 0})) == M);
  CHECK(refusal(bytes({0x10, 10, 0, 4, 'M', 'Q', 'T', 'T', 6, 0x02, 0, 0, 0, 0})) ==
        make_error_code(errc::unsupported_protocol_version));
  // 3.1.1: a password without a user name.
  CHECK(refusal(bytes({0x10, 12, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x42, 0, 0, 0, 0, 0, 0}),
                Version::v3_1_1) == M);
  // PUBLISH: QoS 3, QoS 0 with DUP, a wildcard in the topic, packet id 0, bad UTF-8, U+0000.
  CHECK(refusal(bytes({0x36, 5, 0, 1, 'a', 0, 1}), Version::v3_1_1) == M);
  CHECK(refusal(bytes({0x38, 3, 0, 1, 'a'}), Version::v3_1_1) == M);
  CHECK(refusal(bytes({0x30, 3, 0, 1, '#'}), Version::v3_1_1) == P);
  CHECK(refusal(bytes({0x32, 5, 0, 1, 'a', 0, 0}), Version::v3_1_1) == P);
  CHECK(refusal(bytes({0x30, 4, 0, 2, 0xc3, 0x28}), Version::v3_1_1) == M);
  CHECK(refusal(bytes({0x30, 3, 0, 1, 0}), Version::v3_1_1) == M);
  CHECK(refusal(bytes({0x30, 4, 0, 2, 0xed, 0xa0}), Version::v3_1_1) == M);  // cut surrogate
  // 3.1.1 and 5: an empty topic without a topic alias.
  CHECK(refusal(bytes({0x30, 3, 0, 0, 0})) == P);
  // v5 properties: twice, in the wrong packet, unknown, running past their length.
  CHECK(refusal(bytes({0x30, 9, 0, 1, 'a', 4, 0x01, 1, 0x01, 1, 'x'})) == P);
  CHECK(refusal(bytes({0x30, 6, 0, 1, 'a', 2, 0x24, 1})) == P);  // Maximum QoS
  CHECK(refusal(bytes({0x30, 6, 0, 1, 'a', 2, 0x7f, 1})) == M);  // no such property
  CHECK(refusal(bytes({0x30, 6, 0, 1, 'a', 9, 0x01, 1})) == M);
  CHECK(refusal(bytes({0x30, 6, 0, 1, 'a', 2, 0x01, 2})) == P);     // payload format 2
  CHECK(refusal(bytes({0x30, 7, 0, 1, 'a', 3, 0x23, 0, 0})) == P);  // topic alias 0
  // Fixed header flags, trailing bytes, an ack without identifier, SUBSCRIBE without filter.
  CHECK(refusal(bytes({0x80, 6, 0, 1, 0, 1, 'a', 0}), Version::v3_1_1) == M);
  CHECK(refusal(bytes({0xc0, 1, 0}), Version::v3_1_1) == M);
  CHECK(refusal(bytes({0x40, 1, 0}), Version::v3_1_1) == M);
  CHECK(refusal(bytes({0x82, 2, 0, 1}), Version::v3_1_1) == P);
  CHECK(refusal(bytes({0x82, 6, 0, 1, 0, 1, 'a', 0x04}), Version::v3_1_1) == M);  // no-local
  CHECK(refusal(bytes({0x82, 7, 0, 1, 0, 0, 1, 'a', 0x30})) == P);  // retain handling 3
  // AUTH is no 3.1.1 packet; type 0 is none at all.
  CHECK(refusal(bytes({0xf0, 0}), Version::v3_1_1) == M);
  CHECK(refusal(bytes({0x00, 0})) == M);
  // A remaining length of five bytes.
  CHECK(refusal(bytes({0x30, 0xff, 0xff, 0xff, 0xff, 0x7f})) == M);
}

TEST_CASE("mqtt: a packet over the limit is refused from its header, before its body") {
  Decoder d(Limits{100});
  d.feed(bytes({0x30, 0xe8, 0x07}));  // remaining length 1000
  Packet p;
  CHECK(d.next(p) == Decoder::Status::error);
  CHECK(d.error() == make_error_code(errc::packet_too_large));
}

TEST_CASE("mqtt: encode refuses what does not fit rather than cut it") {
  std::string out = "kept";
  CHECK_FALSE(
      encode(Publish{std::string(70'000, 't'), "x", 0, false, false, 0, {}}, Version::v3_1_1, out));
  Publish p{"t", "x", 0, false, false, 0, {}};
  p.properties.user_properties = {{"k", std::string(70'000, 'v')}};
  CHECK_FALSE(encode(p, Version::v5, out));
  CHECK(out == "kept");
  CHECK(encode(p, Version::v3_1_1, out));  // 3.1.1 has no properties to write
}

TEST_CASE(
    "mqtt codec: a PUBLISH head sized for a streamed payload, then the payload, is the "
    "whole PUBLISH") {
  for (const auto v : {Version::v3_1_1, Version::v5}) {
    // Payload sizes around the remaining length's 1-, 2- and 3-byte forms.
    for (const std::size_t size : {std::size_t{10}, std::size_t{200}, std::size_t{20'000}}) {
      CAPTURE(size);
      Publish p;
      p.topic = "sensors/large";
      p.qos = 1;
      p.packet_id = 9;
      if (v == Version::v5) p.properties.content_type = "application/octet-stream";
      std::string head;
      REQUIRE(encode_publish_head(p, v, size, head));
      p.payload = std::string(size, 'p');
      std::string whole;
      REQUIRE(encode(Packet{p}, v, whole));
      CHECK(head + p.payload == whole);
      // A payload given to the head encoder is a mistake: it refuses.
      std::string again;
      CHECK_FALSE(encode_publish_head(p, v, size, again));
    }
  }
  Publish p;
  p.topic = "t";
  std::string head;
  CHECK_FALSE(encode_publish_head(p, Version::v5, kMaxRemainingLength, head));  // over MQTT's max
}

}  // namespace mqtt_codec_test
