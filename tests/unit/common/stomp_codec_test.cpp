// STOMP codec: every well-formed case is decoded from one feed(), one byte at a time and from
// borrowed chunks (feed_borrowed); malformed input is a table of named violations, each
// expecting one precise errc.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "stomp/codec.hpp"

using namespace artemis::stomp;
using namespace std::string_literals;

namespace {

struct Decoded {
  std::vector<Frame> frames;
  int heartbeats = 0;
  std::error_code error;
  std::size_t left = 0;
};

Decoded drain(Decoder& d, Decoded& out) {
  for (int guard = 0; guard < 100000; ++guard) {
    Frame f;
    switch (d.next(f)) {
      case Decoder::Status::frame: out.frames.push_back(std::move(f)); break;
      case Decoder::Status::heartbeat: ++out.heartbeats; break;
      case Decoder::Status::need_more: return out;
      case Decoder::Status::error: out.error = d.error(); return out;
      case Decoder::Status::body_start:
      case Decoder::Status::body_piece:
      case Decoder::Status::body_end:
        FAIL("a body streamed without stream_body_above");
        break;
    }
  }
  FAIL("decoder did not settle");
  return out;
}

Decoded decode_whole(const std::string& bytes, Version v = Version::v1_2, Limits limits = {}) {
  Decoder d(limits);
  d.set_version(v);
  d.feed(bytes);
  Decoded out;
  drain(d, out);
  out.left = d.buffered();
  return out;
}

Decoded decode_bytewise(const std::string& bytes, Version v = Version::v1_2, Limits limits = {}) {
  Decoder d(limits);
  d.set_version(v);
  Decoded out;
  for (char c : bytes) {
    d.feed(std::string_view(&c, 1));
    drain(d, out);
    if (out.error) break;
  }
  out.left = d.buffered();
  return out;
}

// feed_borrowed() in chunks of `chunk` bytes from one reused read buffer, scribbled over after
// each detach(), as a connection's read buffer is by the next read.
Decoded decode_borrowed(const std::string& bytes, std::size_t chunk, Version v, Limits limits) {
  Decoder d(limits);
  d.set_version(v);
  Decoded out;
  std::string read_buffer(chunk, '#');
  for (std::size_t at = 0; at < bytes.size() && !out.error; at += chunk) {
    const auto n = std::min(chunk, bytes.size() - at);
    read_buffer.assign(bytes, at, n);
    d.feed_borrowed(read_buffer);
    drain(d, out);
    d.detach();
    read_buffer.assign(chunk, '#');
  }
  out.left = d.buffered();
  return out;
}

void check_same(const Decoded& a, const Decoded& b) {
  CHECK(a.error == b.error);
  CHECK(a.heartbeats == b.heartbeats);
  REQUIRE(a.frames.size() == b.frames.size());
  for (std::size_t i = 0; i < a.frames.size(); ++i) {
    CHECK(a.frames[i].command == b.frames[i].command);
    CHECK(a.frames[i].headers == b.frames[i].headers);
    CHECK(a.frames[i].body == b.frames[i].body);
  }
}

// Runs every way (whole, byte by byte, borrowed in chunks) and checks they agree; returns the
// whole-feed result.
Decoded decode(const std::string& bytes, Version v = Version::v1_2, Limits limits = {}) {
  auto whole = decode_whole(bytes, v, limits);
  check_same(whole, decode_bytewise(bytes, v, limits));
  for (std::size_t chunk : {std::size_t{1}, std::size_t{5}, std::size_t{64}, bytes.size() + 1})
    check_same(whole, decode_borrowed(bytes, chunk, v, limits));
  return whole;
}

}  // namespace

TEST_CASE("stomp: decodes a simple SEND frame") {
  auto r = decode("SEND\ndestination:/queue/a\nreceipt:1\n\nhello\0"s);
  REQUIRE(r.frames.size() == 1);
  CHECK(!r.error);
  const auto& f = r.frames[0];
  CHECK(f.command == "SEND");
  CHECK(f.header_or("destination", "") == "/queue/a");
  CHECK(f.header_or("receipt", "") == "1");
  CHECK(f.header("missing") == nullptr);
  CHECK(f.body == "hello");
  CHECK(r.left == 0);
}

TEST_CASE("stomp: content-length body may hold NUL bytes") {
  auto r = decode("MESSAGE\ncontent-length:5\n\na\0b\0c\0"s);
  REQUIRE(r.frames.size() == 1);
  CHECK(r.frames[0].body == "a\0b\0c"s);
}

TEST_CASE("stomp: heart-beat EOLs between frames, LF and CRLF") {
  auto r = decode("\n\r\nSEND\n\nx\0\n\nACK\nid:1\n\n\0\r\n"s);
  CHECK(!r.error);
  REQUIRE(r.frames.size() == 2);
  CHECK(r.heartbeats == 5);
  CHECK(r.frames[1].command == "ACK");
}

TEST_CASE("stomp: CRLF line endings in 1.2") {
  auto r = decode("SEND\r\ndestination:/q\r\n\r\nbody\0"s);
  REQUIRE(r.frames.size() == 1);
  CHECK(r.frames[0].command == "SEND");
  CHECK(r.frames[0].header_or("destination", "") == "/q");
  CHECK(r.frames[0].body == "body");
}

TEST_CASE("stomp: in 1.0 and 1.1 a CR before LF belongs to the header value") {
  for (auto v : {Version::v1_0, Version::v1_1}) {
    auto r = decode("SEND\ndestination:/q\r\n\nb\0"s, v);
    REQUIRE(r.frames.size() == 1);
    CHECK(r.frames[0].header_or("destination", "") == "/q\r");
  }
}

TEST_CASE("stomp: repeated headers keep wire order and the first wins") {
  auto r = decode("MESSAGE\nfoo:World\nfoo:Hello\n\n\0"s);
  REQUIRE(r.frames.size() == 1);
  CHECK(r.frames[0].headers.size() == 2);
  CHECK(*r.frames[0].header("foo") == "World");
}

TEST_CASE("stomp: repeated content-length, the first wins") {
  auto r = decode("SEND\ncontent-length:2\ncontent-length:9\n\nab\0"s);
  REQUIRE(r.frames.size() == 1);
  CHECK(r.frames[0].body == "ab");
}

TEST_CASE("stomp: header escapes per version") {
  const std::string raw = "SEND\nk\\cx:a\\nb\\cc\\\\d\n\n\0"s;
  auto v12 = decode(raw, Version::v1_2);
  REQUIRE(v12.frames.size() == 1);
  CHECK(v12.frames[0].headers[0].first == "k:x");
  CHECK(v12.frames[0].headers[0].second == "a\nb:c\\d");
  auto v11 = decode(raw, Version::v1_1);
  REQUIRE(v11.frames.size() == 1);
  CHECK(v11.frames[0].headers[0].second == "a\nb:c\\d");
  auto v10 = decode(raw, Version::v1_0);
  REQUIRE(v10.frames.size() == 1);
  CHECK(v10.frames[0].headers[0].second == "a\\nb\\cc\\\\d");
  auto cr = decode("SEND\nk:a\\rb\n\n\0"s, Version::v1_2);
  REQUIRE(cr.frames.size() == 1);
  CHECK(cr.frames[0].headers[0].second == "a\rb");
}

TEST_CASE("stomp: escaping then unescaping gives the value back") {
  // Values mixing plain runs with every special character, at every position.
  const std::string alphabet = "ab:\n\\\r";
  std::uint32_t seed = 7;
  for (int round = 0; round < 2000; ++round) {
    std::string value;
    const int length = round % 12;
    for (int i = 0; i < length; ++i) {
      seed = seed * 1103515245u + 12345u;
      value.push_back(alphabet[(seed >> 16) % alphabet.size()]);
    }
    std::string back;
    REQUIRE(unescape(escape(value, Version::v1_2), Version::v1_2, back));
    CHECK(back == value);
    REQUIRE(unescape(escape(value, Version::v1_1), Version::v1_1, back));  // \r stays raw
    CHECK(back == value);
  }
}

TEST_CASE("stomp: CONNECT and CONNECTED are never unescaped") {
  auto r = decode("CONNECT\npasscode:a\\qb\\c\n\n\0CONNECTED\nserver:x\\y\n\n\0"s);
  REQUIRE(r.frames.size() == 2);
  CHECK(r.frames[0].header_or("passcode", "") == "a\\qb\\c");
  CHECK(r.frames[1].header_or("server", "") == "x\\y");
}

TEST_CASE("stomp: a header value may contain ':' and be empty") {
  auto r = decode("SEND\ndestination:a:b\nempty:\n\n\0"s, Version::v1_0);
  REQUIRE(r.frames.size() == 1);
  CHECK(r.frames[0].header_or("destination", "") == "a:b");
  CHECK(r.frames[0].header_or("empty", "x").empty());
}

TEST_CASE("stomp: several frames in one feed and a partial tail") {
  auto r = decode("SEND\n\n1\0SEND\n\n2\0SEND\n\n3"s);
  REQUIRE(r.frames.size() == 2);
  CHECK(r.frames[1].body == "2");
  CHECK(!r.error);
  CHECK(r.left > 0);
}

TEST_CASE("stomp: a stream read in pieces that end mid-frame decodes as when fed whole") {
  // Reads ending inside a frame are the rule on a busy connection: the partial frame is
  // completed from the next read and decoding then goes on in that read's own bytes.
  std::string stream;
  for (int i = 0; i < 40; ++i) {
    const std::string body(static_cast<std::size_t>(700 + 97 * i), static_cast<char>('a' + i % 26));
    stream += "SEND\ndestination:/queue/q\nlong:" + std::string(static_cast<std::size_t>(31 * i), 'h');
    stream += i % 2 == 0 ? "\ncontent-length:" + std::to_string(body.size()) + "\n\n" : "\n\n"s;
    stream += body;
    stream += '\0';
    if (i % 7 == 0) stream += "\n";
  }
  const auto whole = decode_whole(stream);
  REQUIRE(whole.frames.size() == 40);
  for (std::size_t chunk : {std::size_t{700}, std::size_t{1500}, std::size_t{4096}, std::size_t{65536}}) {
    CAPTURE(chunk);
    const auto pieces = decode_borrowed(stream, chunk, Version::v1_2, {});
    check_same(whole, pieces);
    CHECK(pieces.left == 0);
  }
}

TEST_CASE("stomp: content-length with spaces around the number is accepted") {
  auto r = decode("SEND\ncontent-length: 3 \n\nabc\0"s);
  REQUIRE(r.frames.size() == 1);
  CHECK(r.frames[0].body == "abc");
}

TEST_CASE("stomp: encode then decode round-trips every version") {
  Frame f;
  f.command = "MESSAGE";
  f.add("destination", "/queue/a:b");
  f.add("multi", "line1\nline2\\end\rx");
  f.body = "payload\0with nul"s;
  for (auto v : {Version::v1_1, Version::v1_2}) {
    const auto bytes = encode(f, v);
    CHECK(bytes.find("content-length:16\n") != std::string::npos);
    auto r = decode(bytes, v);
    REQUIRE(r.frames.size() == 1);
    CHECK(r.frames[0].body == f.body);
    CHECK(r.frames[0].header_or("destination", "") == "/queue/a:b");
    if (v == Version::v1_2) CHECK(r.frames[0].header_or("multi", "") == "line1\nline2\\end\rx");
  }
}

TEST_CASE("stomp: encoder writes the real content-length and leaves CONNECT raw") {
  Frame f;
  f.command = "CONNECT";
  f.add("login", "a:b");
  f.add("content-length", "999");
  f.body = "xy";
  const auto bytes = encode(f, Version::v1_2);
  CHECK(bytes == "CONNECT\nlogin:a:b\ncontent-length:2\n\nxy\0"s);
  Frame plain;
  plain.command = "SEND";
  plain.body = "text";
  CHECK(encode(plain, Version::v1_2) == "SEND\n\ntext\0"s);
}

TEST_CASE("stomp: frames print their contents") {
  Frame f;
  f.command = "SEND";
  f.set("destination", "/q");
  f.set("destination", "/r");
  f.body = "hi";
  std::ostringstream os;
  os << f;
  CHECK(os.str() == "SEND {destination:/r} body[2] \"hi\"");
}

TEST_CASE("stomp: limits are enforced before the data is buffered") {
  Limits small;
  small.max_frame_size = 64;
  small.max_headers = 2;
  small.max_header_line = 24;
  // A declared body over the limit fails at once, before any body byte arrives.
  auto declared = decode_whole("SEND\ncontent-length:1000\n\n"s, Version::v1_2, small);
  CHECK(declared.error == errc::frame_too_large);
  // An endless header line fails as soon as it passes the line limit.
  auto endless = decode_whole("SEND\n" + std::string(25, 'a'), Version::v1_2, small);
  CHECK(endless.error == errc::header_too_long);
  // A body without content-length fails when it grows past the frame limit.
  auto body = decode_whole("SEND\n\n" + std::string(100, 'x'), Version::v1_2, small);
  CHECK(body.error == errc::frame_too_large);
  // Exactly at the limits is fine.
  auto ok = decode("SEND\nab:cd\nef:gh\n\n" + std::string(40, 'x') + '\0', Version::v1_2, small);
  CHECK(!ok.error);
  CHECK(ok.frames.size() == 1);
}

TEST_CASE("stomp: after an error the decoder stays failed") {
  Decoder d;
  d.feed("SEND\nnocolon\n\n\0"s);
  Frame f;
  CHECK(d.next(f) == Decoder::Status::error);
  d.feed("SEND\n\n\0"s);
  CHECK(d.next(f) == Decoder::Status::error);
  CHECK(d.error() == errc::bad_header);
  CHECK(d.error().message().find("':'") != std::string::npos);
}

TEST_CASE("stomp: malformed input yields a precise error") {
  struct Case {
    const char* name;
    std::string bytes;
    Version version;
    errc expected;
  };
  Limits limits;
  limits.max_frame_size = 256;
  limits.max_headers = 4;
  limits.max_header_line = 64;
  const std::vector<Case> cases = {
      {"header line without colon", "SEND\ndestination\n\n\0"s, Version::v1_2, errc::bad_header},
      {"header with empty name", "SEND\n:value\n\n\0"s, Version::v1_2, errc::bad_header},
      {"undefined escape \\t (1.2)", "SEND\nk:a\\tb\n\n\0"s, Version::v1_2, errc::bad_escape},
      {"escape \\r in 1.1", "SEND\nk:a\\rb\n\n\0"s, Version::v1_1, errc::bad_escape},
      {"trailing backslash", "SEND\nk:ab\\\n\n\0"s, Version::v1_2, errc::bad_escape},
      {"escape in header name", "SEND\nk\\x:v\n\n\0"s, Version::v1_1, errc::bad_escape},
      {"content-length not a number", "SEND\ncontent-length:abc\n\n\0"s, Version::v1_2,
       errc::bad_content_length},
      {"content-length negative", "SEND\ncontent-length:-1\n\n\0"s, Version::v1_2,
       errc::bad_content_length},
      {"content-length empty", "SEND\ncontent-length:\n\n\0"s, Version::v1_2,
       errc::bad_content_length},
      {"content-length with suffix", "SEND\ncontent-length:3x\n\nabc\0"s, Version::v1_2,
       errc::bad_content_length},
      {"content-length overflowing", "SEND\ncontent-length:99999999999999999999999\n\n"s,
       Version::v1_2, errc::frame_too_large},
      {"content-length over limit", "SEND\ncontent-length:300\n\n"s, Version::v1_2,
       errc::frame_too_large},
      {"body longer than content-length", "SEND\ncontent-length:2\n\nabc\0"s, Version::v1_2,
       errc::missing_nul},
      {"command with space", "SE ND\n\n\0"s, Version::v1_2, errc::bad_command},
      {"command with control byte", "SEND\x01\n\n\0"s, Version::v1_2, errc::bad_command},
      {"NUL where a command should be", "\0\n"s, Version::v1_2, errc::bad_command},
      {"stray CR between frames", "\rSEND\n\n\0"s, Version::v1_2, errc::bad_command},
      {"NULs after a frame, no EOL", "SEND\n\n\0\0\0\0"s, Version::v1_2, errc::bad_command},
      {"binary byte where a command should be", "\x80"s, Version::v1_2, errc::bad_command},
      {"NUL inside an unfinished command line", "CONN\0"s, Version::v1_2, errc::bad_command},
      {"CR then a letter in a command line", "SEND\rX"s, Version::v1_2, errc::bad_command},
      {"CR-only command line", "SEND\n\n\0\r\r\n"s, Version::v1_2, errc::bad_command},
      {"too many headers", "SEND\na:1\nb:2\nc:3\nd:4\ne:5\n\n\0"s, Version::v1_2,
       errc::too_many_headers},
      {"header line too long", "SEND\nk:" + std::string(80, 'v') + "\n\n\0", Version::v1_2,
       errc::header_too_long},
      {"command line too long", std::string(70, 'A'), Version::v1_2, errc::header_too_long},
      {"unterminated body over limit", "SEND\n\n" + std::string(300, 'x'), Version::v1_2,
       errc::frame_too_large},
      {"many short headers over frame limit",
       "SEND\n" + std::string(60, 'a') + ":1\n" + std::string(60, 'b') + ":1\n" +
           std::string(60, 'c') + ":1\n" + std::string(60, 'd') + ":1\n\n\0",
       Version::v1_2, errc::frame_too_large},
  };
  for (const auto& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    auto r = decode(c.bytes, c.version, limits);
    CHECK(r.error == c.expected);
  }
}

TEST_CASE("stomp: stray NULs after a frame fail at once; the frame before them is kept") {
  const std::string connect = "CONNECT\naccept-version:1.2\n\n\0"s;
  auto r = decode(connect + std::string(64, '\0'));
  REQUIRE(r.frames.size() == 1);
  CHECK(r.frames[0].command == "CONNECT");
  CHECK(r.error == errc::bad_command);
  // EOLs are the only filler allowed between frames.
  auto ok = decode(connect + "\n\r\n\n" + connect);
  CHECK_FALSE(ok.error);
  CHECK(ok.frames.size() == 2);
  CHECK(ok.heartbeats == 3);
}

TEST_CASE("stomp codec: FrameWriter writes what encode_to writes for the same frame") {
  using namespace artemis::stomp;
  for (const auto v : {Version::v1_0, Version::v1_1, Version::v1_2}) {
    for (const std::string& body : {std::string("plain"), std::string("nul\0inside", 10), std::string()}) {
      for (const bool length : {false, true}) {
        Frame f;
        f.command = "MESSAGE";
        f.add("subscription", "s:1");
        f.add("multi\nline", "a\\b\rc");
        if (length) f.add("content-length", "999");  // encode_to writes the real size
        f.body = body;
        std::string expected;
        encode_to(expected, f, v);
        std::string got = "prefix";
        FrameWriter w(got, "MESSAGE", v);
        w.header("subscription", "s:1");
        w.header("multi\nline", "a\\b\rc");
        w.body(body, length);
        CHECK(got == "prefix" + expected);
      }
    }
  }
}
