// STOMP frame encoding: "Value Encoding" escapes and the frame layout (see codec.cpp for the
// decoder). Pure code, no shared state.
#include <string>

#include "stomp/codec.hpp"

namespace artemis::stomp {
namespace detail {
// CONNECT and CONNECTED frames are never escaped (defined in codec.cpp, which decodes them).
bool never_escaped(std::string_view command);
}  // namespace detail

namespace {

// Appends `in` to `out` with the escapes of `v`.
void escape_to(std::string& out, std::string_view in, Version v) {
  const auto special = [v](char c) {
    return c == '\n' || c == ':' || c == '\\' || (c == '\r' && v == Version::v1_2);
  };
  if (v == Version::v1_0) {
    out.append(in);
    return;
  }
  // Plain runs are appended whole; only the special characters are written one by one.
  auto run = in.begin();
  for (auto it = in.begin(); it != in.end(); ++it) {
    if (!special(*it)) continue;
    out.append(run, it);
    switch (*it) {
      case '\n': out += "\\n"; break;
      case ':': out += "\\c"; break;
      case '\\': out += "\\\\"; break;
      default: out += "\\r"; break;
    }
    run = it + 1;
  }
  out.append(run, in.end());
}

}  // namespace

std::string escape(std::string_view in, Version v) {
  std::string out;
  out.reserve(in.size());
  escape_to(out, in, v);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Encoder

void encode_to(std::string& out, const Frame& frame, Version v) {
  const bool raw = detail::never_escaped(frame.command);
  const bool needs_length =
      frame.header("content-length") != nullptr || frame.body.find('\0') != std::string::npos;
  std::size_t size = frame.command.size() + frame.body.size() + 32;
  for (const auto& [k, val] : frame.headers) size += k.size() + val.size() + 2;
  out.reserve(out.size() + size);  // one allocation per frame, not one per doubling
  out += frame.command;
  out += '\n';
  for (const auto& [k, val] : frame.headers) {
    // content-length is always written from the real body size, so it can never lie.
    if (k == "content-length") continue;
    if (raw) out += k;
    else escape_to(out, k, v);
    out += ':';
    if (raw) out += val;
    else escape_to(out, val, v);
    out += '\n';
  }
  if (needs_length) {
    out += "content-length:";
    out += std::to_string(frame.body.size());
    out += '\n';
  }
  out += '\n';
  out += frame.body;
  out += '\0';
}

FrameWriter::FrameWriter(std::string& out, std::string_view command, Version v)
    : out_(out), version_(v), raw_(detail::never_escaped(command)) {
  out_ += command;
  out_ += '\n';
}

void FrameWriter::header(std::string_view name, std::string_view value) {
  if (raw_) {
    out_ += name;
    out_ += ':';
    out_ += value;
  } else {
    escape_to(out_, name, version_);
    out_ += ':';
    escape_to(out_, value, version_);
  }
  out_ += '\n';
}

void FrameWriter::body(std::string_view body, bool content_length) {
  if (content_length || body.find('\0') != std::string_view::npos) {
    out_ += "content-length:";
    out_ += std::to_string(body.size());
    out_ += '\n';
  }
  out_ += '\n';
  out_ += body;
  out_ += '\0';
}

std::string encode(const Frame& frame, Version v) {
  std::string out;
  encode_to(out, frame, v);
  return out;
}

}  // namespace artemis::stomp
