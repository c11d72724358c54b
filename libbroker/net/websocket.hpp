#pragma once
// WebSockets (RFC 6455) under the broker's protocols, as Artemis offers them on its acceptors
// (reference §2.2): a client's HTTP GET with `Upgrade: websocket` is answered 101 with the
// first sub-protocol it offers that this acceptor speaks (MQTT `mqtt`/`mqttv3.1`, STOMP
// `v10.stomp`/`v11.stomp`/`v12.stomp`/`stomp`, AMQP `amqp`), then protocol detection runs on
// the bytes the frames carry. Pure code, no sockets: net/tcp_connection.cpp does the I/O.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace artemis::net::ws {

// The longest upgrade request read (request line and headers).
inline constexpr std::size_t kMaxRequestBytes = 8192;

// Whether the first bytes can be the start of an HTTP GET (so more are worth waiting for).
bool may_be_get(std::string_view first);

struct Upgrade {
  std::string key;                        // Sec-WebSocket-Key
  std::vector<std::string> subprotocols;  // Sec-WebSocket-Protocol, in the client's order
  std::size_t request_bytes = 0;          // the request's length, headers' blank line included
};

enum class Parse { need_more, ok, bad };
// Parses the upgrade request at the start of `bytes`; `why` says what is wrong with a bad one.
Parse parse_upgrade(std::string_view bytes, Upgrade& out, std::string& why);

// The protocol module a sub-protocol names ("MQTT", "STOMP", "AMQP"), empty when none.
std::string_view module_of(std::string_view subprotocol);

// The 101 answer, echoing `subprotocol` when not empty.
std::string accept_response(const std::string& key, std::string_view subprotocol);
// The 400 answer to an upgrade request that cannot be accepted.
std::string refusal_response(std::string_view why);

enum class Opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA
};

// The header of an unmasked server frame (FIN set) carrying `payload_size` bytes.
std::string frame_header(Opcode op, std::uint64_t payload_size);
// A whole close frame with a status code (1000 normal, 1002 protocol error, ...).
std::string close_frame(std::uint16_t status);

// The client's frames to a byte stream: data frames (text, binary and their continuations)
// give their payload, unmasked as it arrives, so a frame is never held whole; pings are
// answered and a close is reported. Control frames are at most 125 bytes, as RFC 6455 says.
class Decoder {
 public:
  enum class Result {
    ok,      // what the bytes completed was appended; replies() may hold pongs
    closed,  // the client sent a close frame: replies() holds the answer
    failed,  // not a valid client frame stream: error() says why
  };
  Result feed(std::string_view bytes, std::string& payload);
  // Frames owed to the client (pongs, the close answer), taken by the caller.
  std::string& replies() { return replies_; }
  const std::string& error() const { return error_; }

 private:
  Result fail(std::string why);
  Result frame_done();
  Result control_frame_done();

  enum class State { header, extended_length, mask, payload };
  State state_ = State::header;
  std::uint8_t first_ = 0;       // FIN and opcode of the frame being read
  std::uint8_t need_ = 0;        // header bytes still wanted in extended_length / mask
  std::uint64_t length_ = 0;     // payload length
  std::uint64_t remaining_ = 0;  // payload bytes still to come
  std::uint8_t mask_[4] = {};
  std::uint8_t mask_at_ = 0;  // index into mask_ of the next payload byte
  bool in_message_ = false;   // a fragmented data message is open
  std::string control_;       // a control frame's payload, gathered
  std::string replies_;
  std::string error_;
};

}  // namespace artemis::net::ws
