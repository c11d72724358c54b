#include "net/detect.hpp"

#include <doctest/doctest.h>

#include "test_module.hpp"

using namespace artemis::net;
using Outcome = Detection::Outcome;

TEST_CASE("net: detection chooses the enabled module that recognises the bytes") {
  test::TestModule m;
  std::vector<ProtocolModule*> mods{&m};
  CHECK(detect_protocol("TEST hello", mods).outcome == Outcome::module);
  CHECK(detect_protocol("TEST hello", mods).module == &m);
  CHECK(detect_protocol("TE", mods).outcome == Outcome::need_more);
  CHECK(detect_protocol("", mods).outcome == Outcome::need_more);
}

TEST_CASE("net: detection names the protocols the broker does not speak") {
  std::vector<ProtocolModule*> none;
  auto foreign = [&](std::string_view b) {
    const auto d = detect_protocol(b, none);
    REQUIRE(d.outcome == Outcome::foreign);
    return std::string(d.foreign);
  };
  CHECK(foreign(std::string_view("AMQP\x00\x01\x00\x00", 8)) == "AMQP");
  CHECK(foreign(std::string_view("AMQP\x03\x01\x00\x00", 8)) == "AMQP");
  CHECK(foreign("ARTEMIS\x00") == "CORE");
  CHECK(foreign("HORNETQ") == "HORNETQ");
  // MQTT 3.1.1 CONNECT: 0x10, remaining length 0x0c, name length 4, "MQTT"
  CHECK(foreign(std::string_view("\x10\x0c\x00\x04MQTT\x04\x02\x00\x3c", 12)) == "MQTT");
  // MQTT 3.1: name "MQIsdp", two-byte remaining length
  CHECK(foreign(std::string_view("\x10\x8c\x01\x00\x06MQIsdp", 11)) == "MQTT");
  CHECK(foreign(std::string_view("\x00\x00\x00\xf0\x01" "ActiveMQ", 13)) == "OPENWIRE");
  CHECK(foreign("GET / HTTP/1.1\r\n") == "HTTP");
  // A TLS ClientHello on a plain port: handshake record, version 3.1 (TLS 1.0 record layer).
  CHECK(foreign(std::string_view("\x16\x03\x01\x02\x00\x01", 6)) == "TLS");
  CHECK(detect_protocol(std::string_view("\x16\x03\x09", 3), none).foreign != "TLS");
}

TEST_CASE("net: detection waits for a partial magic and gives up on garbage") {
  std::vector<ProtocolModule*> none;
  CHECK(detect_protocol("AM", none).outcome == Outcome::need_more);
  CHECK(detect_protocol(std::string_view("\x10\x0c", 2), none).outcome == Outcome::need_more);
  CHECK(detect_protocol("hello world", none).outcome == Outcome::unknown);
  CHECK(detect_protocol(std::string_view("\x10\x0c\x00\x05XXXXX", 9), none).outcome ==
        Outcome::unknown);
  // A module's yes wins over a foreign guess; a module still waiting delays a foreign verdict.
  test::TestModule m;
  std::vector<ProtocolModule*> mods{&m};
  CHECK(detect_protocol("AMQP\x00", mods).outcome == Outcome::foreign);
}

TEST_CASE("net: protocols= list matching is case-insensitive and empty means all") {
  CHECK(protocol_enabled({}, "STOMP"));
  CHECK(protocol_enabled({"CORE", "stomp"}, "STOMP"));
  CHECK_FALSE(protocol_enabled({"CORE", "AMQP"}, "STOMP"));
}

TEST_CASE("net: close reasons have names") {
  CHECK(to_string(CloseReason::slow_consumer) == "slow_consumer");
  CHECK(to_string(CloseReason::handshake_timeout) == "handshake_timeout");
  CHECK(to_string(CloseReason::unsupported_protocol) == "unsupported_protocol");
}
