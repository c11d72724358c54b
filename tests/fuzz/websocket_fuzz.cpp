// libFuzzer target for the WebSocket upgrade parser and the client frame decoder. Properties
// checked on every input:
//  - parsing and decoding never crash and stay within their limits;
//  - feeding the frames in two pieces (split point from the first byte) gives the same
//    payload, the same replies and the same outcome as feeding them whole;
//  - an accepted upgrade's request length lies within the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "net/websocket.hpp"

using namespace artemis::net;

namespace {

struct Outcome {
  ws::Decoder::Result result = ws::Decoder::Result::ok;
  std::string payload;
  std::string replies;
};

Outcome decode(std::string_view a, std::string_view b) {
  ws::Decoder d;
  Outcome o;
  o.result = d.feed(a, o.payload);
  if (o.result == ws::Decoder::Result::ok) o.result = d.feed(b, o.payload);
  o.replies = d.replies();
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ws::Upgrade up;
  std::string why;
  if (ws::parse_upgrade(input, up, why) == ws::Parse::ok && up.request_bytes > size) std::abort();
  const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
  const auto whole = decode(input, {});
  const auto pieces = decode(input.substr(0, split), input.substr(split));
  // A stream that ends (closed or failed) in the first piece ignores the second.
  if (whole.result == ws::Decoder::Result::ok && pieces.result == ws::Decoder::Result::ok &&
      (whole.payload != pieces.payload || whole.replies != pieces.replies))
    std::abort();
  if (whole.result != pieces.result && whole.result == ws::Decoder::Result::ok) std::abort();
  return 0;
}
