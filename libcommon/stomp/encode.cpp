// STOMP frame encoding: "Value Encoding" escapes and the frame layout (see codec.cpp for the
// decoder). Pure code, no shared state.
#include <array>
#include <bit>
#include <cstring>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "stomp/codec.hpp"

namespace artemis::stomp {
namespace {

// Which bytes need an escape, per version: a table lookup per byte instead of four compares,
// because every header of every MESSAGE frame goes through here.
struct EscapeTable {
  std::array<bool, 256> v1_1{};
  std::array<bool, 256> v1_2{};
  constexpr EscapeTable() {
    for (const unsigned char c : {'\n', ':', '\\'}) v1_1[c] = v1_2[c] = true;
    v1_2[static_cast<unsigned char>('\r')] = true;
  }
};
constexpr EscapeTable kEscapes;

// The first byte in [it, end) that may need an escape (1.1 and 1.2 sets), or `end`. Most
// header values have none, so SSE2 tests 16 bytes per step where the CPU has it; the caller's
// table decides the bytes found here.
const char* skip_plain(const char* it, const char* end, bool with_cr) {
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n');
  const __m128i colon = _mm_set1_epi8(':');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i cr = _mm_set1_epi8(with_cr ? '\r' : '\n');
  // Bit i set: byte i of the 16 is special.
  const auto specials = [&](__m128i b) {
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, nl), _mm_cmpeq_epi8(b, colon)),
                     _mm_or_si128(_mm_cmpeq_epi8(b, backslash), _mm_cmpeq_epi8(b, cr)));
    return static_cast<unsigned>(_mm_movemask_epi8(hit));
  };
  for (; end - it >= 16; it += 16) {
    if (const unsigned mask = specials(_mm_loadu_si128(reinterpret_cast<const __m128i*>(it))))
      return it + std::countr_zero(mask);
  }
  if (it != end) {
    // The short tail (most names and values are shorter than 16 bytes) in a zeroed copy: NUL
    // is never special, and no read goes past `end`.
    alignas(16) char tail[16] = {};
    std::memcpy(tail, it, static_cast<std::size_t>(end - it));
    const unsigned mask = specials(_mm_load_si128(reinterpret_cast<const __m128i*>(tail)));
    return mask == 0 ? end : it + std::countr_zero(mask);
  }
  return end;
#else
  const auto& special = with_cr ? kEscapes.v1_2 : kEscapes.v1_1;
  while (it != end && !special[static_cast<unsigned char>(*it)]) ++it;
  return it;
#endif
}

// Appends `in` to `out` with the escapes of `v`.
void escape_to(std::string& out, std::string_view in, Version v) {
  if (v == Version::v1_0) {
    out.append(in);
    return;
  }
  const auto& special = v == Version::v1_2 ? kEscapes.v1_2 : kEscapes.v1_1;
  // Plain runs are appended whole; only the special characters are written one by one.
  const char* run = in.data();
  const char* const end = run + in.size();
  const char* it = skip_plain(run, end, v == Version::v1_2);
  if (it == end) {
    out.append(run, end);
    return;
  }
  for (; it != end; ++it) {
    if (!special[static_cast<unsigned char>(*it)]) continue;
    out.append(run, it);
    switch (*it) {
      case '\n':
        out += "\\n";
        break;
      case ':':
        out += "\\c";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        out += "\\r";
        break;
    }
    run = it + 1;
  }
  out.append(run, end);
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
    if (raw)
      out += k;
    else
      escape_to(out, k, v);
    out += ':';
    if (raw)
      out += val;
    else
      escape_to(out, val, v);
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

void FrameWriter::header_plain(std::string_view name, std::string_view value) {
  out_ += name;
  out_ += ':';
  out_ += value;
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

void FrameWriter::body_follows(std::uint64_t length) {
  out_ += "content-length:";
  out_ += std::to_string(length);
  out_ += "\n\n";
}

std::string encode(const Frame& frame, Version v) {
  std::string out;
  encode_to(out, frame, v);
  return out;
}

}  // namespace artemis::stomp
