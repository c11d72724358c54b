#pragma once
// MQTT 3.1, 3.1.1 and 5 codec: bytes <-> Packet (mqtt/packets.hpp), shared by the broker and
// the client. Pure: no sockets, no broker types, usable from a unit test or a fuzzer.
//
// The decoder is incremental: feed() any split of the byte stream, then call next() until it
// returns need_more. It checks what the specifications make a Malformed Packet or a Protocol
// Error at the packet level (reserved flags, QoS 3, a property twice or in the wrong packet,
// bad UTF-8, a zero packet identifier, a wildcard in a topic name, trailing bytes); what needs
// session state (topic aliases in range, receive maximum) is the session's to check.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "mqtt/packets.hpp"

namespace artemis::mqtt {

// Values are MQTT 5 reason codes, so a session can answer with them as they are.
enum class errc {
  ok = 0,
  malformed_packet = 0x81,
  protocol_error = 0x82,
  unsupported_protocol_version = 0x84,
  packet_too_large = 0x95,
};
const std::error_category& codec_category();
std::error_code make_error_code(errc e);

// A remaining length can say at most 268,435,455 bytes (four length bytes).
inline constexpr std::uint32_t kMaxRemainingLength = 268'435'455;

struct Limits {
  // Whole packet, fixed header included (MQTT 5 Maximum Packet Size).
  std::uint32_t max_packet_size = kMaxRemainingLength + 5;
};

// One packet from its first byte and the `body` the remaining length covers. `version`
// matters for everything but CONNECT, which names its own. `why` says what is wrong.
std::error_code decode(std::uint8_t first_byte, std::string_view body, Version version, Packet& out,
                       std::string& why);

// Appends the packet's bytes to `out`. Fields the version lacks (properties, reason codes on
// 3.1.1 acks) are left out; the caller sends only packets its peer speaks (no AUTH to 3.1.1).
// False, with nothing appended, when a field does not fit (a string over 65,535 bytes, a
// packet over the largest remaining length).
[[nodiscard]] bool encode(const Packet& packet, Version version, std::string& out);
// A PUBLISH without its payload (`p.payload` empty), sized for `payload_size` bytes that the
// caller sends right behind it: a payload streamed from a file. False when it would not fit.
[[nodiscard]] bool encode_publish_head(const Publish& p, Version version,
                                       std::uint64_t payload_size, std::string& out);

class Decoder {
 public:
  enum class Status { packet, need_more, error };

  explicit Decoder(Limits limits = {}) : limits_(limits) {}
  // The version CONNECT negotiated; packets after it are read as that version.
  void set_version(Version v) { version_ = v; }
  Version version() const { return version_; }
  void set_limits(Limits limits) { limits_ = limits; }

  void feed(std::string_view bytes);
  // packet: `out` holds the next packet. error: the stream is unusable; error() and why()
  // say what happened (the caller answers, if the version allows, and closes).
  Status next(Packet& out);
  std::error_code error() const { return error_; }
  const std::string& why() const { return why_; }
  std::size_t buffered() const { return buffer_.size() - pos_; }

 private:
  Status fail(errc e, std::string why);

  Limits limits_;
  Version version_ = Version::v3_1_1;
  std::string buffer_;
  std::size_t pos_ = 0;
  std::error_code error_;
  std::string why_;
};

}  // namespace artemis::mqtt

template <>
struct std::is_error_code_enum<artemis::mqtt::errc> : std::true_type {};
