#pragma once
// STOMP 1.0/1.1/1.2 frame codec: bytes <-> Frame, shared by the broker and the client.
// Pure: no sockets, no broker types, usable from a unit test or a fuzzer.
// The decoder is incremental: feed() any split of the byte stream, then call next() until it
// returns need_more. Escaping follows STOMP 1.2 "Value Encoding" (1.1 has no \r; 1.0 none;
// CONNECT/CONNECTED frames are never escaped).
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace artemis::stomp {

enum class Version { v1_0, v1_1, v1_2 };
std::string_view to_string(Version v);

struct Frame {
  std::string command;
  // Headers in wire order, values decoded. STOMP 1.2: when a header repeats, the first wins.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  const std::string* header(std::string_view name) const;  // first occurrence or nullptr
  std::string header_or(std::string_view name, std::string_view fallback) const;
  void set(std::string name, std::string value);  // replace or append
  void add(std::string name, std::string value);  // append
  // Empties the frame but keeps the header vector's capacity for the next one.
  void clear();
};
std::ostream& operator<<(std::ostream& os, const Frame& f);

enum class errc {
  ok = 0,
  frame_too_large = 1,     // declared or accumulated size over the configured maximum
  too_many_headers,
  header_too_long,
  bad_header,              // a header line without ':'
  bad_escape,              // undefined escape sequence (1.1+)
  bad_content_length,      // not a non-negative integer
  missing_nul,             // content-length body not followed by NUL
  bad_command,             // empty or non-printable command line
};
const std::error_category& codec_category();
std::error_code make_error_code(errc e);

struct Limits {
  std::size_t max_frame_size = 100 * 1024 * 1024;  // body + headers
  std::size_t max_headers = 1000;
  std::size_t max_header_line = 64 * 1024;
  // A body larger than this many bytes (declared by content-length, or found while waiting for
  // its NUL) is handed over in pieces as it arrives instead of whole (Status::body_start):
  // max_frame_size then bounds its headers only. 0: every body is whole.
  std::size_t stream_body_above = 0;
};

class Decoder {
 public:
  // body_start: `out` holds a frame's command and headers; its body follows as body_piece
  // results (piece()) and ends with body_end (its NUL consumed). Only with stream_body_above.
  enum class Status { frame, heartbeat, need_more, error, body_start, body_piece, body_end };

  explicit Decoder(Limits limits = {});
  void set_version(Version v) { version_ = v; }
  const Limits& limits() const { return limits_; }
  Version version() const { return version_; }

  void feed(std::string_view bytes);
  // feed() without the copy: the decoder reads `bytes` where they are, so frames that arrive
  // whole are never copied into its buffer. They must stay valid until detach(), which keeps
  // what is left of them (a partial frame); call it before the bytes go away. When a partial
  // frame already waits in the buffer, only what completes it is copied there; decoding goes
  // on in `bytes` once the buffered part is consumed.
  void feed_borrowed(std::string_view bytes);
  void detach();
  // frame: `out` holds the next frame. heartbeat: an EOL between frames was consumed.
  // error: the stream is unusable; error() says why (the caller sends ERROR and closes).
  Status next(Frame& out);
  std::error_code error() const { return error_; }
  // After body_piece: the next bytes of the body, valid until the next call.
  std::string_view piece() const { return piece_; }
  std::size_t buffered() const { return data().size() - pos_ + pending_.size(); }

 private:
  // Where the decoder is inside the current frame. Lines are consumed as soon as they are
  // complete, so feeding a frame one byte at a time costs O(frame size), not O(size^2).
  // stream_start: the headers of a frame whose body streams are to be handed over;
  // stream_body: its body is being handed over in pieces.
  enum class State { between_frames, command, headers, body, stream_start, stream_body };

  Status fail(errc e);
  bool take_line(std::string_view& line, Status& status);  // false: need more or error
  bool bad_byte_in_command() const;
  Status on_command_line(std::string_view line);
  Status on_header_line(std::string_view line);
  Status start_body();
  Status read_body(Frame& out);
  Status start_streaming(Frame& out);
  Status read_body_piece();
  void end_frame();
  Status step(Frame& out);
  // With bytes pending behind the buffer: decode from them in place once the buffer is used
  // up, or else copy the next piece of them into the buffer. False when none are pending.
  bool refill();
  void compact();
  // The bytes being decoded: borrowed ones (feed_borrowed) or the buffer.
  std::string_view data() const { return is_borrowed_ ? borrowed_ : std::string_view(buffer_); }

  Limits limits_;
  Version version_ = Version::v1_2;
  std::string buffer_;
  std::string_view borrowed_;
  bool is_borrowed_ = false;
  std::size_t pos_ = 0;  // into data()
  // Borrowed bytes that follow the buffer's (feed_borrowed behind a partial frame): source_ is
  // all of them; the buffer holds, from source_at_ on, a copy of those before pending_.
  std::string_view source_;
  std::string_view pending_;
  std::size_t source_at_ = 0;
  std::error_code error_;
  State state_ = State::between_frames;
  Frame current_;                      // the frame being decoded
  std::size_t frame_bytes_ = 0;        // bytes of current_ consumed so far (limit check)
  std::size_t scanned_ = 0;            // bytes after pos_ already searched for '\n' or NUL
  bool has_length_ = false;            // current_ declared content-length
  std::size_t body_length_ = 0;        // its value
  std::size_t body_left_ = 0;          // a streamed body of known length: bytes still to come
  std::string_view piece_;
};

namespace detail {
// CONNECT and CONNECTED frames are never escaped, in either direction.
bool never_escaped(std::string_view command);
}  // namespace detail

// STOMP "Value Encoding": decodes the escapes of `v` in a header name or value.
// Returns false on an undefined escape (1.1+). Version 1.0 copies bytes as they are.
bool unescape(std::string_view in, Version v, std::string& out);
std::string escape(std::string_view in, Version v);

// Encodes with the escaping of `v`. A body is always framed by content-length when the frame
// has one set or when the body contains a NUL byte.
std::string encode(const Frame& frame, Version v);
void encode_to(std::string& out, const Frame& frame, Version v);

// Encodes one frame straight onto the end of `out`, for a hot path that would otherwise build a
// Frame (a vector of header strings and a body copy) only to encode it: header() as often as
// needed, then body() once. Same escaping and framing as encode_to().
class FrameWriter {
 public:
  FrameWriter(std::string& out, std::string_view command, Version v);
  void header(std::string_view name, std::string_view value);
  // A header the caller knows needs no escaping in any version (a fixed name with a number or
  // a fixed word): written as it is.
  void header_plain(std::string_view name, std::string_view value);
  // `content_length`: declare the body's length even when it holds no NUL byte.
  void body(std::string_view body, bool content_length);
  // Ends the headers with content-length `length`; the caller appends that many body bytes
  // and then the NUL itself (a body streamed from elsewhere).
  void body_follows(std::uint64_t length);

 private:
  std::string& out_;
  Version version_;
  bool raw_;
};

}  // namespace artemis::stomp

template <>
struct std::is_error_code_enum<artemis::stomp::errc> : std::true_type {};
