// STOMP decoder with stream_body_above: a body over the threshold comes out in pieces (as a
// large message is received), whatever the split of the bytes; smaller frames stay whole.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "stomp/codec.hpp"

using namespace artemis::stomp;

namespace {

struct Streamed {
  std::vector<Frame> frames;  // whole ones and streamed ones (their body put back together)
  std::vector<bool> was_streamed;
  std::size_t pieces = 0;
  std::error_code error;
};

// Feeds `bytes` in chunks of `chunk` (borrowed, as the broker does) and collects what comes out.
Streamed decode(const std::string& bytes, std::size_t chunk, std::size_t threshold) {
  Limits limits;
  limits.stream_body_above = threshold;
  limits.max_frame_size = 1024;
  Decoder d(limits);
  Streamed out;
  bool in_body = false;
  for (std::size_t at = 0; at < bytes.size() && !out.error; at += chunk) {
    d.feed_borrowed(std::string_view(bytes).substr(at, chunk));
    for (int guard = 0; guard < 100000; ++guard) {
      Frame f;
      const auto st = d.next(f);
      if (st == Decoder::Status::need_more) break;
      if (st == Decoder::Status::error) {
        out.error = d.error();
        break;
      }
      if (st == Decoder::Status::frame) {
        REQUIRE_FALSE(in_body);
        out.frames.push_back(std::move(f));
        out.was_streamed.push_back(false);
      } else if (st == Decoder::Status::body_start) {
        REQUIRE_FALSE(in_body);
        in_body = true;
        CHECK(f.body.empty());
        out.frames.push_back(std::move(f));
        out.was_streamed.push_back(true);
      } else if (st == Decoder::Status::body_piece) {
        REQUIRE(in_body);
        CHECK_FALSE(d.piece().empty());
        out.frames.back().body.append(d.piece());
        ++out.pieces;
      } else if (st == Decoder::Status::body_end) {
        REQUIRE(in_body);
        in_body = false;
      }
    }
    d.detach();
  }
  return out;
}

std::string big_body(std::size_t n) {
  std::string b(n, 'x');
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<char>('a' + i % 26);
  return b;
}

}  // namespace

TEST_CASE("a declared body over the threshold streams, in any split, past max_frame_size") {
  std::string body = big_body(5000);
  body[100] = '\0';  // a length-framed body may hold NULs
  const std::string bytes = "SEND\ndestination:q\ncontent-length:5000\n\n" + body +
                            std::string(1, '\0') + "\nSEND\ndestination:q\n\nsmall" +
                            std::string(1, '\0');
  for (std::size_t chunk : {1ul, 7ul, 64ul, 4096ul, bytes.size()}) {
    CAPTURE(chunk);
    const auto r = decode(bytes, chunk, 100);
    REQUIRE_FALSE(r.error);
    REQUIRE(r.frames.size() == 2);
    CHECK(r.was_streamed[0]);
    CHECK(r.frames[0].command == "SEND");
    CHECK(*r.frames[0].header("destination") == "q");
    CHECK(r.frames[0].body == body);
    CHECK_FALSE(r.was_streamed[1]);
    CHECK(r.frames[1].body == "small");
  }
}

TEST_CASE("a NUL-terminated body streams once it is over the threshold") {
  const std::string body = big_body(3000);
  const std::string bytes = "SEND\ndestination:q\n\n" + body + std::string(1, '\0') +
                            "SEND\ndestination:r\n\nz" + std::string(1, '\0');
  for (std::size_t chunk : {1ul, 100ul, 333ul, bytes.size()}) {
    CAPTURE(chunk);
    const auto r = decode(bytes, chunk, 100);
    REQUIRE_FALSE(r.error);
    REQUIRE(r.frames.size() == 2);
    CHECK(r.was_streamed[0]);
    CHECK(r.frames[0].body == body);
    CHECK(r.frames[1].body == "z");
  }
}

TEST_CASE("a streamed body that is not followed by its NUL is refused") {
  const std::string bytes = "SEND\ncontent-length:500\n\n" + big_body(500) + "X";
  const auto r = decode(bytes, 64, 100);
  CHECK(r.error == errc::missing_nul);
}

TEST_CASE("without stream_body_above the frame limit still holds") {
  Limits limits;
  limits.max_frame_size = 1024;
  Decoder d(limits);
  d.feed("SEND\ncontent-length:5000\n\n");
  Frame f;
  CHECK(d.next(f) == Decoder::Status::error);
  CHECK(d.error() == errc::frame_too_large);
}
