#pragma once
// The MQTT data representations (integers, variable byte integers, UTF-8 strings, binary data,
// properties) read from and written to bytes. Internal to the codec.
#include <cstdint>
#include <string>
#include <string_view>

#include "mqtt/codec.hpp"

namespace artemis::mqtt::wire {

// Reads within one packet's bytes; every read checks the bounds and says false when they end.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool u8(std::uint8_t& v);
  bool u16(std::uint16_t& v);
  bool u32(std::uint32_t& v);
  bool varint(std::uint32_t& v);
  bool binary(std::string& v);
  // A UTF-8 string: well formed, no U+0000 (both make the packet malformed).
  bool utf8(std::string& v);
  bool take(std::size_t n, std::string_view& v);
  std::string_view rest() const { return bytes_.substr(pos_); }
  std::size_t left() const { return bytes_.size() - pos_; }
  bool empty() const { return left() == 0; }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

bool valid_utf8(std::string_view s);

void put_u8(std::string& out, std::uint8_t v);
void put_u16(std::string& out, std::uint16_t v);
void put_u32(std::string& out, std::uint32_t v);
void put_varint(std::string& out, std::uint32_t v);
// Binary data and UTF-8 strings: false (nothing written) when longer than 65,535 bytes.
[[nodiscard]] bool put_binary(std::string& out, std::string_view v);

// Where a set of properties appears; each allows its own (MQTT 5 §2.2.2.2).
enum class PropertyContext {
  connect,
  will,
  connack,
  publish,
  pub_ack,  // PUBACK, PUBREC, PUBREL, PUBCOMP
  subscribe,
  suback,
  unsubscribe,
  unsuback,
  disconnect,
  auth,
};

// The property length and the properties; a property the context does not allow, a property
// twice (but for the lists) or a value out of its range is a protocol error, a property that
// does not fit a malformed packet.
errc read_properties(Reader& r, PropertyContext where, Properties& out, std::string& why);
// False when a value does not fit its field (a string over 65,535 bytes).
[[nodiscard]] bool write_properties(std::string& out, const Properties& p);

}  // namespace artemis::mqtt::wire
