// The WebSocket upgrade and the client frame decoder (net/websocket.hpp), against RFC 6455's
// own example and frames split at every byte.
#include "net/websocket.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace artemis::net;
using Result = ws::Decoder::Result;

namespace {

// A client frame: masked, as RFC 6455 requires of clients.
std::string client_frame(std::uint8_t first, std::string_view payload,
                         const char mask[4] = "\x37\xfa\x21\x3d") {
  std::string f;
  f += static_cast<char>(first);
  if (payload.size() < 126) {
    f += static_cast<char>(0x80 | payload.size());
  } else if (payload.size() <= 0xFFFF) {
    f += static_cast<char>(0x80 | 126);
    f += static_cast<char>(payload.size() >> 8);
    f += static_cast<char>(payload.size() & 0xFF);
  } else {
    f += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8)
      f += static_cast<char>((payload.size() >> shift) & 0xFF);
  }
  f.append(mask, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) f += static_cast<char>(payload[i] ^ mask[i % 4]);
  return f;
}

const char* kRequest =
    "GET /mqtt HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
    "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Protocol: chat, mqtt\r\nSec-WebSocket-Version: 13\r\n\r\n";

}  // namespace

TEST_CASE("websocket: the upgrade request and RFC 6455's accept key") {
  const std::string request = kRequest;
  ws::Upgrade up;
  std::string why;
  for (std::size_t n = 0; n < request.size(); ++n)
    CHECK(ws::parse_upgrade(request.substr(0, n), up, why) == ws::Parse::need_more);
  REQUIRE(ws::parse_upgrade(request + "\x82", up, why) == ws::Parse::ok);
  CHECK(up.request_bytes == request.size());
  CHECK(up.subprotocols == std::vector<std::string>{"chat", "mqtt"});
  CHECK(ws::module_of("chat").empty());
  CHECK(ws::module_of("mqtt") == "MQTT");
  CHECK(ws::module_of("v12.stomp") == "STOMP");
  const auto answer = ws::accept_response(up.key, "mqtt");
  CHECK(answer.starts_with("HTTP/1.1 101 "));
  CHECK(answer.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") != std::string::npos);
  CHECK(answer.find("Sec-WebSocket-Protocol: mqtt\r\n") != std::string::npos);
  CHECK(answer.ends_with("\r\n\r\n"));
}

TEST_CASE("websocket: requests that are not upgrades are refused with a reason") {
  ws::Upgrade up;
  std::string why;
  CHECK(ws::parse_upgrade("GET / HTTP/1.1\r\nHost: x\r\n\r\n", up, why) == ws::Parse::bad);
  CHECK(why.find("not a WebSocket upgrade") != std::string::npos);
  std::string old = kRequest;
  old.replace(old.find("Version: 13"), 11, "Version: 8");
  CHECK(ws::parse_upgrade(old, up, why) == ws::Parse::bad);
  CHECK(why == "Sec-WebSocket-Version is not 13");
  CHECK(ws::parse_upgrade(std::string(ws::kMaxRequestBytes, 'x'), up, why) == ws::Parse::bad);
  CHECK(ws::may_be_get("GE"));
  CHECK_FALSE(ws::may_be_get("POST /"));
  CHECK(ws::refusal_response("no").starts_with("HTTP/1.1 400 "));
}

TEST_CASE("websocket: frames give their payload however the bytes are split") {
  const std::string big(70000, 'b');
  // A ping between the fragments of a message, as RFC 6455 allows.
  const std::string stream = client_frame(0x82, "CONNECT") + client_frame(0x01, "frag") +
                             client_frame(0x89, "hi") + client_frame(0x80, "ment") +
                             client_frame(0x82, big) + client_frame(0x82, "");
  for (std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{7}, stream.size()}) {
    ws::Decoder d;
    std::string out;
    for (std::size_t at = 0; at < stream.size(); at += piece)
      REQUIRE(d.feed(std::string_view(stream).substr(at, piece), out) == Result::ok);
    CHECK(out == "CONNECT" + std::string("fragment") + big);
    CHECK(d.replies() == ws::frame_header(ws::Opcode::pong, 2) + "hi");  // the ping answered
  }
}

TEST_CASE("websocket: a close is answered and ends the stream") {
  ws::Decoder d;
  std::string out;
  CHECK(d.feed(client_frame(0x82, "a") + client_frame(0x88, "\x03\xe9"), out) == Result::closed);
  CHECK(out == "a");
  CHECK(d.replies() == ws::close_frame(1001));
}

TEST_CASE("websocket: frames a client may not send fail with a reason") {
  const auto fails = [](const std::string& bytes, std::string_view why) {
    ws::Decoder d;
    std::string out;
    CHECK(d.feed(bytes, out) == Result::failed);
    CHECK(d.error().find(why) != std::string::npos);
    CHECK(d.replies() == ws::close_frame(1002));
  };
  fails(std::string("\x82\x01", 2) + "a", "unmasked");
  fails(client_frame(0xC2, "x"), "RSV bits");
  fails(client_frame(0x83, "x"), "unknown opcode 3");
  fails(client_frame(0x80, "x"), "continuation frame with no message");
  fails(client_frame(0x02, "x") + client_frame(0x82, "y"), "new message inside");
  fails(client_frame(0x09, "x"), "fragmented control frame");
  fails(client_frame(0x89, std::string(126, 'p')), "longer than 125");
}

TEST_CASE("websocket: server frame headers use the shortest length form") {
  CHECK(ws::frame_header(ws::Opcode::binary, 125) == std::string("\x82\x7d", 2));
  CHECK(ws::frame_header(ws::Opcode::binary, 126) == std::string("\x82\x7e\x00\x7e", 4));
  CHECK(ws::frame_header(ws::Opcode::binary, 65536).size() == 10);
  CHECK(ws::close_frame(1000) == std::string("\x88\x02\x03\xe8", 4));
}
