#include "stomp/codec.hpp"
// The STOMP frame decoder ("Frames and Headers", "Repeated Header Entries", "Size Limits" and
// "Heart-beating" of the STOMP 1.2 specification). Pure code: runs on whichever thread owns
// the Decoder; it holds no shared state.
#include <algorithm>
#include <charconv>
#include <string>

namespace artemis::stomp {

namespace {

// Commands are upper-case words; printable ASCII is what on_command_line accepts.
bool command_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x21 && u <= 0x7e;
}

}  // namespace

Decoder::Decoder(Limits limits) : limits_(limits) {}

void Decoder::feed(std::string_view bytes) {
  detach();
  if (error_) return;  // the stream is dead; do not grow the buffer any further
  compact();
  buffer_.append(bytes);
}

void Decoder::feed_borrowed(std::string_view bytes) {
  detach();
  if (error_) return;
  if (pos_ < buffer_.size()) {
    // A partial frame waits in the buffer: the bytes follow it, copied in only as the frame
    // needs them (refill), so a read that ends mid-frame does not cost a copy of the next read.
    compact();
    source_ = pending_ = bytes;
    source_at_ = buffer_.size();
    return;
  }
  buffer_.clear();
  pos_ = 0;
  borrowed_ = bytes;
  is_borrowed_ = true;
}

void Decoder::detach() {
  if (!pending_.empty()) buffer_.append(pending_);
  pending_ = source_ = {};
  if (!is_borrowed_) return;
  is_borrowed_ = false;
  buffer_.assign(borrowed_.substr(std::min(pos_, borrowed_.size())));
  borrowed_ = {};
  pos_ = 0;
}

bool Decoder::refill() {
  if (pending_.empty()) return false;
  if (pos_ >= source_at_) {
    // What is left of the buffer is a copy of source_ from pos_ - source_at_ on: go on there.
    pos_ -= source_at_;
    buffer_.clear();
    borrowed_ = source_;
    is_borrowed_ = true;
    pending_ = source_ = {};
    return true;
  }
  // The partial frame is still being completed. A body of known length says how much it
  // needs; otherwise the piece doubles with what is buffered, so a long line costs O(size).
  const std::size_t have = buffer_.size() - pos_;
  std::size_t want = std::max<std::size_t>(1024, have);
  if (state_ == State::body && has_length_ && body_length_ + 1 > have)
    want = body_length_ + 1 - have;
  const auto piece = pending_.substr(0, want);
  buffer_.append(piece);
  pending_.remove_prefix(piece.size());
  return true;
}

void Decoder::compact() {
  if (is_borrowed_ || !source_.empty()) return;  // positions into the buffer must hold
  // Drop consumed bytes once they dominate, so the buffer holds at most one partial frame
  // plus whatever the last feed() brought.
  if (pos_ > 0 && (pos_ == buffer_.size() || pos_ >= 64 * 1024 || pos_ * 2 >= buffer_.size())) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
}

Decoder::Status Decoder::fail(errc e) {
  error_ = make_error_code(e);
  return Status::error;
}

// Takes the next complete line (without its '\n', and without a '\r' before it) out of the
// buffer. The length limit is enforced while the line is still incomplete, so a peer cannot
// make us buffer an endless line.
bool Decoder::take_line(std::string_view& line, Status& status) {
  const std::string_view avail = data().substr(pos_);
  const auto nl = avail.find('\n', scanned_);
  if (nl == std::string_view::npos) {
    scanned_ = avail.size();
    if (avail.size() > limits_.max_header_line) status = fail(errc::header_too_long);
    else if (frame_bytes_ + avail.size() > limits_.max_frame_size) status = fail(errc::frame_too_large);
    else status = Status::need_more;
    return false;
  }
  if (nl > limits_.max_header_line) {
    status = fail(errc::header_too_long);
    return false;
  }
  frame_bytes_ += nl + 1;
  if (frame_bytes_ > limits_.max_frame_size) {
    status = fail(errc::frame_too_large);
    return false;
  }
  line = avail.substr(0, nl);
  pos_ += nl + 1;
  scanned_ = 0;
  return true;
}

// Looks at the part of an unfinished command line not searched yet: a byte no command has
// (other than a '\r' that may precede the '\n') fails the frame without waiting for the EOL.
bool Decoder::bad_byte_in_command() const {
  const std::string_view avail = data().substr(pos_);
  // From one byte back: a '\r' that ended the previous feed is judged by what follows it.
  for (std::size_t i = scanned_ > 0 ? scanned_ - 1 : 0; i < avail.size() && avail[i] != '\n'; ++i) {
    if (command_byte(avail[i])) continue;
    if (avail[i] == '\r' && (i + 1 == avail.size() || avail[i + 1] == '\n')) continue;
    return true;
  }
  return false;
}

Decoder::Status Decoder::on_command_line(std::string_view line) {
  // A '\r' before the '\n' is an optional line ending (1.2); no command contains one.
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return fail(errc::bad_command);
  for (char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) return fail(errc::bad_command);
  }
  current_.command.assign(line);
  if (current_.headers.capacity() < 16) current_.headers.reserve(16);  // one allocation, not five
  state_ = State::headers;
  return Status::need_more;
}

Decoder::Status Decoder::on_header_line(std::string_view line) {
  // 1.2 allows "\r\n" line endings; in 1.0/1.1 a '\r' is part of the value.
  if (version_ == Version::v1_2 && !line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return start_body();
  if (current_.headers.size() >= limits_.max_headers) return fail(errc::too_many_headers);
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return fail(errc::bad_header);
  const Version v = detail::never_escaped(current_.command) ? Version::v1_0 : version_;
  // Decoded in place: no temporaries to move in and destroy, per header of every frame.
  auto& [name, value] = current_.headers.emplace_back();
  if (!unescape(line.substr(0, colon), v, name) || !unescape(line.substr(colon + 1), v, value)) {
    current_.headers.pop_back();
    return fail(errc::bad_escape);
  }
  return Status::need_more;
}

Decoder::Status Decoder::start_body() {
  state_ = State::body;
  scanned_ = 0;
  // Repeated headers: the first occurrence wins, content-length included.
  const auto* cl = current_.header("content-length");
  has_length_ = cl != nullptr;
  if (!has_length_) return Status::need_more;
  std::string_view text = *cl;
  // Some clients pad the value; a number surrounded by spaces is still a number.
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::size_t n = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || ec == std::errc::result_out_of_range) {
    // An integer too big for size_t is certainly over any limit, but report what it is.
    return fail(ec == std::errc::result_out_of_range ? errc::frame_too_large
                                                      : errc::bad_content_length);
  }
  if (ec != std::errc() || ptr != end) return fail(errc::bad_content_length);
  body_length_ = n;
  if (limits_.stream_body_above > 0 && n > limits_.stream_body_above) {
    state_ = State::stream_start;
    body_left_ = n;
    return Status::need_more;
  }
  // Check the declared size before buffering any of it.
  if (n > limits_.max_frame_size || frame_bytes_ + n > limits_.max_frame_size)
    return fail(errc::frame_too_large);
  return Status::need_more;
}

// Hands the headers over; the body follows in pieces.
Decoder::Status Decoder::start_streaming(Frame& out) {
  state_ = State::stream_body;
  std::swap(out, current_);
  current_.clear();
  out.body.clear();
  return Status::body_start;
}

Decoder::Status Decoder::read_body_piece() {
  const std::string_view avail = data().substr(pos_);
  if (has_length_) {
    if (body_left_ == 0) {
      if (avail.empty()) return Status::need_more;
      if (avail.front() != '\0') return fail(errc::missing_nul);
      ++pos_;
      end_frame();
      return Status::body_end;
    }
    piece_ = avail.substr(0, std::min(avail.size(), body_left_));
    if (piece_.empty()) return Status::need_more;
    body_left_ -= piece_.size();
  } else {
    const auto nul = avail.find('\0');
    if (nul == 0) {
      ++pos_;
      end_frame();
      return Status::body_end;
    }
    piece_ = avail.substr(0, nul);  // all of it when there is no NUL yet
    if (piece_.empty()) return Status::need_more;
  }
  pos_ += piece_.size();
  return Status::body_piece;
}

void Decoder::end_frame() {
  current_.clear();
  state_ = State::between_frames;
  frame_bytes_ = 0;
  scanned_ = 0;
  has_length_ = false;
  body_length_ = 0;
  body_left_ = 0;
}

Decoder::Status Decoder::read_body(Frame& out) {
  const std::string_view avail = data().substr(pos_);
  std::size_t body_end = 0;
  if (has_length_) {
    if (avail.size() < body_length_ + 1) return Status::need_more;
    if (avail[body_length_] != '\0') return fail(errc::missing_nul);
    body_end = body_length_;
  } else {
    const auto nul = avail.find('\0', scanned_);
    // Over the threshold the body streams, whether or not its end is already here, so how the
    // bytes were split never changes what comes out.
    const std::size_t seen = nul == std::string_view::npos ? avail.size() : nul;
    if (limits_.stream_body_above > 0 && seen > limits_.stream_body_above)
      return start_streaming(out);
    if (nul == std::string_view::npos) {
      scanned_ = avail.size();
      if (frame_bytes_ + avail.size() > limits_.max_frame_size) return fail(errc::frame_too_large);
      return Status::need_more;
    }
    if (frame_bytes_ + nul > limits_.max_frame_size) return fail(errc::frame_too_large);
    body_end = nul;
  }
  current_.body.assign(avail.substr(0, body_end));
  pos_ += body_end + 1;
  // Swapped, not moved: the caller's finished frame (see Frame::clear) comes back with its
  // header vector's capacity, so a steady stream of frames allocates no header vectors.
  std::swap(out, current_);
  end_frame();
  return Status::frame;
}

Decoder::Status Decoder::next(Frame& out) {
  for (;;) {
    const Status st = step(out);
    if (st != Status::need_more || !refill()) return st;
  }
}

Decoder::Status Decoder::step(Frame& out) {
  if (error_) return Status::error;
  for (;;) {
    switch (state_) {
      case State::between_frames: {
        const std::string_view bytes = data();
        if (pos_ >= bytes.size()) {
          compact();
          return Status::need_more;
        }
        const char c = bytes[pos_];
        if (c == '\n') {
          ++pos_;
          return Status::heartbeat;
        }
        if (c == '\r') {
          if (pos_ + 1 >= bytes.size()) return Status::need_more;
          if (bytes[pos_ + 1] != '\n') return fail(errc::bad_command);
          pos_ += 2;
          return Status::heartbeat;
        }
        // Only EOLs may separate frames (heart-beats). Anything else that cannot start a
        // command (a stray NUL, binary noise) is refused now, not after waiting for a line end
        // that may never come.
        if (!command_byte(c)) return fail(errc::bad_command);
        state_ = State::command;
        scanned_ = 0;
        frame_bytes_ = 0;
        break;
      }
      case State::command: {
        if (bad_byte_in_command()) return fail(errc::bad_command);
        std::string_view line;
        Status st{};
        if (!take_line(line, st)) return st;
        if (on_command_line(line) == Status::error) return Status::error;
        break;
      }
      case State::headers: {
        std::string_view line;
        Status st{};
        if (!take_line(line, st)) return st;
        if (on_header_line(line) == Status::error) return Status::error;
        break;
      }
      case State::body: return read_body(out);
      case State::stream_start:
        return start_streaming(out);
      case State::stream_body:
        return read_body_piece();
    }
  }
}

}  // namespace artemis::stomp
