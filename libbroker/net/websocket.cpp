#include "net/websocket.hpp"

#include <fmt/core.h>
#include <openssl/evp.h>

#include <algorithm>

#include "util/strings.hpp"

namespace artemis::net::ws {

namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// Whether the comma-separated header value holds `token` (case ignored).
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    if (util::iequals(util::trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

bool is_control(std::uint8_t opcode) {
  return (opcode & 0x8) != 0;
}

}  // namespace

bool may_be_get(std::string_view first) {
  constexpr std::string_view get = "GET ";
  const auto n = std::min(first.size(), get.size());
  return n > 0 && first.substr(0, n) == get.substr(0, n);
}

Parse parse_upgrade(std::string_view bytes, Upgrade& out, std::string& why) {
  const auto end = bytes.substr(0, kMaxRequestBytes).find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (bytes.size() < kMaxRequestBytes) return Parse::need_more;
    why = fmt::format("HTTP request headers longer than {} bytes", kMaxRequestBytes);
    return Parse::bad;
  }
  out = Upgrade{};
  out.request_bytes = end + 4;
  auto head = bytes.substr(0, end);
  const auto line_end = head.find("\r\n");
  const auto request_line = head.substr(0, line_end);
  if (!request_line.starts_with("GET ") || !request_line.ends_with(" HTTP/1.1")) {
    why = "not an HTTP/1.1 GET request";
    return Parse::bad;
  }
  bool upgrade = false, connection = false, version = false;
  head.remove_prefix(line_end == std::string_view::npos ? head.size() : line_end + 2);
  while (!head.empty()) {
    const auto eol = head.find("\r\n");
    const auto line = head.substr(0, eol);
    head.remove_prefix(eol == std::string_view::npos ? head.size() : eol + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto name = util::trim(line.substr(0, colon));
    const auto value = util::trim(line.substr(colon + 1));
    if (util::iequals(name, "Upgrade"))
      upgrade = has_token(value, "websocket");
    else if (util::iequals(name, "Connection"))
      connection = has_token(value, "upgrade");
    else if (util::iequals(name, "Sec-WebSocket-Version"))
      version = value == "13";
    else if (util::iequals(name, "Sec-WebSocket-Key"))
      out.key = std::string(value);
    else if (util::iequals(name, "Sec-WebSocket-Protocol")) {
      auto list = value;
      while (!list.empty()) {
        const auto comma = list.find(',');
        const auto p = util::trim(list.substr(0, comma));
        if (!p.empty()) out.subprotocols.emplace_back(p);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
      }
    }
  }
  if (!upgrade || !connection)
    why = "an HTTP request that is not a WebSocket upgrade (no tunnelling of Core over HTTP)";
  else if (!version)
    why = "Sec-WebSocket-Version is not 13";
  else if (out.key.size() != 24)
    why = "no valid Sec-WebSocket-Key";
  else
    return Parse::ok;
  return Parse::bad;
}

std::string_view module_of(std::string_view subprotocol) {
  if (subprotocol == "mqtt" || subprotocol == "mqttv3.1") return "MQTT";
  if (subprotocol == "v10.stomp" || subprotocol == "v11.stomp" || subprotocol == "v12.stomp" ||
      subprotocol == "stomp")
    return "STOMP";
  if (subprotocol == "amqp") return "AMQP";
  return {};
}

std::string accept_response(const std::string& key, std::string_view subprotocol) {
  const std::string input = key + std::string(kGuid);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(input.data(), input.size(), digest, &size, EVP_sha1(), nullptr);
  unsigned char accept[64] = {};
  EVP_EncodeBlock(accept, digest, static_cast<int>(size));
  std::string out = fmt::format(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: {}\r\n",
      reinterpret_cast<const char*>(accept));
  if (!subprotocol.empty()) out += fmt::format("Sec-WebSocket-Protocol: {}\r\n", subprotocol);
  return out + "\r\n";
}

std::string refusal_response(std::string_view why) {
  return fmt::format(
      "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n"
      "Connection: close\r\n\r\n{}",
      why.size(), why);
}

std::string frame_header(Opcode op, std::uint64_t payload_size) {
  std::string h;
  h += static_cast<char>(0x80 | static_cast<std::uint8_t>(op));
  if (payload_size < 126) {
    h += static_cast<char>(payload_size);
  } else if (payload_size <= 0xFFFF) {
    h += static_cast<char>(126);
    for (int shift = 8; shift >= 0; shift -= 8)
      h += static_cast<char>((payload_size >> shift) & 0xFF);
  } else {
    h += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8)
      h += static_cast<char>((payload_size >> shift) & 0xFF);
  }
  return h;
}

std::string close_frame(std::uint16_t status) {
  std::string f = frame_header(Opcode::close, 2);
  f += static_cast<char>(status >> 8);
  f += static_cast<char>(status & 0xFF);
  return f;
}

Decoder::Result Decoder::fail(std::string why) {
  error_ = std::move(why);
  replies_ += close_frame(1002);
  return Result::failed;
}

Decoder::Result Decoder::control_frame_done() {
  const auto op = static_cast<Opcode>(first_ & 0x0F);
  if (op == Opcode::ping) {
    replies_ += frame_header(Opcode::pong, control_.size());
    replies_ += control_;
  } else if (op == Opcode::close) {
    // Answered with the client's status (or a normal one); nothing follows a close.
    std::uint16_t status = 1000;
    if (control_.size() >= 2)
      status = static_cast<std::uint16_t>((static_cast<std::uint8_t>(control_[0]) << 8) |
                                          static_cast<std::uint8_t>(control_[1]));
    replies_ += close_frame(status);
    control_.clear();
    return Result::closed;
  }
  control_.clear();
  return Result::ok;
}

Decoder::Result Decoder::feed(std::string_view bytes, std::string& payload) {
  if (!error_.empty()) return Result::failed;
  while (!bytes.empty()) {
    if (state_ != State::payload) {
      const auto b = static_cast<std::uint8_t>(bytes.front());
      bytes.remove_prefix(1);
      switch (state_) {
        case State::header:
          if (need_ == 0) {  // the first byte: FIN, RSV, opcode
            first_ = b;
            if ((b & 0x70) != 0) return fail("RSV bits set without a negotiated extension");
            const std::uint8_t op = b & 0x0F;
            if (op > 2 && op != 8 && op != 9 && op != 10)
              return fail(fmt::format("unknown opcode {}", op));
            if (is_control(op) && (b & 0x80) == 0) return fail("a fragmented control frame");
            if (op == 0 && !in_message_) return fail("a continuation frame with no message");
            if ((op == 1 || op == 2) && in_message_)
              return fail("a new message inside a fragmented one");
            need_ = 1;
            continue;
          }
          // The second byte: MASK and the 7-bit length.
          if ((b & 0x80) == 0) return fail("an unmasked frame from the client");
          length_ = b & 0x7F;
          if (is_control(first_ & 0x0F) && length_ > 125)
            return fail("a control frame longer than 125 bytes");
          need_ = length_ == 126 ? 2 : length_ == 127 ? 8 : 0;
          if (need_ != 0) length_ = 0;
          state_ = need_ != 0 ? State::extended_length : State::mask;
          if (state_ == State::mask) need_ = 4;
          continue;
        case State::extended_length:
          length_ = (length_ << 8) | b;
          if (--need_ == 0) {
            if (length_ >> 63) return fail("a frame length over 2^63");
            state_ = State::mask;
            need_ = 4;
          }
          continue;
        case State::mask:
          mask_[4 - need_] = b;
          if (--need_ != 0) continue;
          state_ = State::payload;
          remaining_ = length_;
          mask_at_ = 0;
          break;
        case State::payload:
          break;
      }
    } else {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
      std::string& into = is_control(first_ & 0x0F) ? control_ : payload;
      const auto at = into.size();
      into.append(bytes.data(), n);
      for (std::size_t i = 0; i < n; ++i)
        into[at + i] ^= static_cast<char>(mask_[(mask_at_ + i) & 3]);
      mask_at_ = static_cast<std::uint8_t>((mask_at_ + n) & 3);
      remaining_ -= n;
      bytes.remove_prefix(n);
    }
    // Also a frame whose payload is empty: it ends with its mask.
    if (state_ == State::payload && remaining_ == 0 && frame_done() == Result::closed)
      return Result::closed;
  }
  return Result::ok;
}

Decoder::Result Decoder::frame_done() {
  state_ = State::header;
  need_ = 0;
  if (is_control(first_ & 0x0F)) return control_frame_done();
  in_message_ = (first_ & 0x80) == 0;
  return Result::ok;
}

}  // namespace artemis::net::ws
