#include "stomp/codec.hpp"
// STOMP frames, the codec's errors and "Value Encoding" (STOMP 1.2 specification); the
// decoder is in decoder.cpp, the encoder in encode.cpp. Pure code, no shared state.
#include <algorithm>
#include <string>

namespace artemis::stomp {

std::string_view to_string(Version v) {
  switch (v) {
    case Version::v1_0: return "1.0";
    case Version::v1_1: return "1.1";
    case Version::v1_2: return "1.2";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// Frame

const std::string* Frame::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return &v;
  return nullptr;
}

std::string Frame::header_or(std::string_view name, std::string_view fallback) const {
  const auto* v = header(name);
  return v ? *v : std::string(fallback);
}

void Frame::set(std::string name, std::string value) {
  for (auto& [k, v] : headers)
    if (k == name) {
      v = std::move(value);
      return;
    }
  headers.emplace_back(std::move(name), std::move(value));
}

void Frame::add(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
}

void Frame::clear() {
  command.clear();
  headers.clear();
  body.clear();
}

std::ostream& operator<<(std::ostream& os, const Frame& f) {
  os << f.command << " {";
  bool first = true;
  for (const auto& [k, v] : f.headers) {
    os << (first ? "" : ", ") << k << ':' << v;
    first = false;
  }
  os << "} body[" << f.body.size() << "]";
  if (!f.body.empty()) {
    constexpr std::size_t kPreview = 64;
    os << " \"";
    for (char c : std::string_view(f.body).substr(0, kPreview)) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x20 && u < 0x7f) os << c;
      else os << '.';
    }
    os << (f.body.size() > kPreview ? "...\"" : "\"");
  }
  return os;
}

// ---------------------------------------------------------------------------------------------
// Errors

namespace {

class CodecCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "stomp-codec"; }
  std::string message(int e) const override {
    switch (static_cast<errc>(e)) {
      case errc::ok: return "ok";
      case errc::frame_too_large: return "frame larger than the configured maximum";
      case errc::too_many_headers: return "frame has more headers than the configured maximum";
      case errc::header_too_long: return "header line longer than the configured maximum";
      case errc::bad_header: return "header line without ':' (expected name:value)";
      case errc::bad_escape: return "undefined escape sequence in header (only \\r \\n \\c \\\\)";
      case errc::bad_content_length: return "content-length is not a non-negative integer";
      case errc::missing_nul: return "frame body not terminated by NUL after content-length bytes";
      case errc::bad_command: return "empty or non-printable command line";
    }
    return "unknown stomp codec error";
  }
};

}  // namespace

namespace detail {
bool never_escaped(std::string_view command) {
  return command == "CONNECT" || command == "CONNECTED";
}
}  // namespace detail

const std::error_category& codec_category() {
  static const CodecCategory category;
  return category;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), codec_category()}; }

// ---------------------------------------------------------------------------------------------
// Value Encoding


bool unescape(std::string_view in, Version v, std::string& out) {
  // Cleared, then appended to: append is a plain copy where assign goes through the general
  // (overlap-aware) replace, and this runs for every header of every frame.
  out.clear();
  if (v == Version::v1_0) {
    out.append(in);
    return true;
  }
  if (in.find('\\') == std::string_view::npos) {  // the common case: nothing escaped
    out.append(in);
    return true;
  }
  // Plain runs are copied whole: an escaped colon is common (message ids, duplicate ids).
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size();) {
    const auto slash = std::min(in.find('\\', i), in.size());
    out.append(in.substr(i, slash - i));
    if (slash == in.size()) break;
    if (slash + 1 == in.size()) return false;  // a lone trailing backslash
    switch (in[slash + 1]) {
      case 'n': out.push_back('\n'); break;
      case 'c': out.push_back(':'); break;
      case '\\': out.push_back('\\'); break;
      case 'r':
        if (v != Version::v1_2) return false;  // \r was added in 1.2
        out.push_back('\r');
        break;
      default: return false;
    }
    i = slash + 2;
  }
  return true;
}

}  // namespace artemis::stomp
