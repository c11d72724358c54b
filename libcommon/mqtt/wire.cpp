#include "mqtt/wire.hpp"

namespace artemis::mqtt::wire {

bool Reader::u8(std::uint8_t& v) {
  if (left() < 1) return false;
  v = static_cast<std::uint8_t>(bytes_[pos_++]);
  return true;
}

bool Reader::u16(std::uint16_t& v) {
  if (left() < 2) return false;
  v = static_cast<std::uint16_t>(static_cast<std::uint8_t>(bytes_[pos_]) << 8 |
                                 static_cast<std::uint8_t>(bytes_[pos_ + 1]));
  pos_ += 2;
  return true;
}

bool Reader::u32(std::uint32_t& v) {
  if (left() < 4) return false;
  v = 0;
  for (int i = 0; i < 4; ++i) v = v << 8 | static_cast<std::uint8_t>(bytes_[pos_ + i]);
  pos_ += 4;
  return true;
}

bool Reader::varint(std::uint32_t& v) {
  v = 0;
  for (int i = 0; i < 4; ++i) {
    std::uint8_t b = 0;
    if (!u8(b)) return false;
    v |= static_cast<std::uint32_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) return true;
  }
  return false;  // a fifth byte: no such number
}

bool Reader::take(std::size_t n, std::string_view& v) {
  if (left() < n) return false;
  v = bytes_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool Reader::binary(std::string& v) {
  std::uint16_t n = 0;
  std::string_view bytes;
  if (!u16(n) || !take(n, bytes)) return false;
  v.assign(bytes);
  return true;
}

bool Reader::utf8(std::string& v) {
  return binary(v) && valid_utf8(v);
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<std::uint8_t>(s[i]);
    if (c == 0) return false;  // U+0000 is not allowed in MQTT strings
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<std::uint8_t>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = cp << 6 | (cc & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not well formed.
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

void put_u8(std::string& out, std::uint8_t v) {
  out.push_back(static_cast<char>(v));
}

void put_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift & 0xff));
}

void put_varint(std::string& out, std::uint32_t v) {
  do {
    std::uint8_t b = v & 0x7f;
    v >>= 7;
    if (v != 0) b |= 0x80;
    out.push_back(static_cast<char>(b));
  } while (v != 0);
}

bool put_binary(std::string& out, std::string_view v) {
  if (v.size() > 0xffff) return false;
  put_u16(out, static_cast<std::uint16_t>(v.size()));
  out.append(v);
  return true;
}

}  // namespace artemis::mqtt::wire
