// libFuzzer target for the MQTT codec. Properties checked on every input, read as MQTT 3.1.1
// and as MQTT 5:
//  - decoding never crashes, never loops, and stays within its limits;
//  - feeding the input in two pieces (split point from the first byte) gives the same packets
//    and the same error as feeding it whole;
//  - every decoded packet encodes, and its encoding decodes to the same packet.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "mqtt/codec.hpp"

using namespace artemis::mqtt;

namespace {

struct Result {
  std::vector<Packet> packets;
  std::error_code error;
};

void drain(Decoder& d, Result& r) {
  for (int guard = 0; guard < 1 << 20; ++guard) {
    Packet p;
    switch (d.next(p)) {
      case Decoder::Status::packet:
        r.packets.push_back(std::move(p));
        break;
      case Decoder::Status::need_more:
        return;
      case Decoder::Status::error:
        r.error = d.error();
        return;
    }
  }
  std::abort();  // a decoder that never runs out of packets
}

Result decode_pieces(std::string_view input, std::size_t split, Version v) {
  Decoder d(Limits{1 << 16});
  d.set_version(v);
  Result r;
  d.feed(input.substr(0, split));
  drain(d, r);
  if (!r.error) {
    d.feed(input.substr(split));
    drain(d, r);
  }
  return r;
}

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const auto v : {Version::v3_1_1, Version::v5}) {
    const Result whole = decode_pieces(input, input.size(), v);
    const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
    const Result pieces = decode_pieces(input, split, v);
    require(whole.packets == pieces.packets && whole.error == pieces.error);
    for (const auto& p : whole.packets) {
      std::string bytes;
      require(encode(p, v, bytes));
      const Result again = decode_pieces(bytes, bytes.size(), v);
      require(!again.error && again.packets.size() == 1 && again.packets[0] == p);
    }
  }
  return 0;
}
