#include "security/properties_file.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace artemis::security {
namespace {

unsigned hex_value(char c) {
  if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
  return static_cast<unsigned>(std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
}

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\f'; }

// Appends the UTF-8 encoding of a BMP code point (\uXXXX).
void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes the escapes of one logical line's key or value.
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      if (s[i] != '\\') out += s[i];
      continue;
    }
    const char c = s[++i];
    switch (c) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        unsigned cp = 0;
        std::size_t k = 0;
        for (; k < 4 && i + 1 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])); ++k)
          cp = cp * 16 + hex_value(s[++i]);
        append_utf8(out, cp);
        break;
      }
      default: out += c;
    }
  }
  return out;
}

bool ends_with_continuation(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[line.size() - 1 - n] == '\\') ++n;
  return n % 2 == 1;
}

// Splits one logical line: the key ends at the first unescaped '=', ':' or whitespace.
Property split_entry(std::string_view logical, int line) {
  std::size_t k = 0;
  while (k < logical.size()) {
    const char c = logical[k];
    if (c == '\\') { k += 2; continue; }
    if (c == '=' || c == ':' || is_ws(c)) break;
    ++k;
  }
  k = std::min(k, logical.size());
  std::size_t v = k;
  while (v < logical.size() && is_ws(logical[v])) ++v;
  if (v < logical.size() && (logical[v] == '=' || logical[v] == ':')) ++v;
  while (v < logical.size() && is_ws(logical[v])) ++v;
  return {unescape(logical.substr(0, k)), unescape(logical.substr(v)), line};
}

}  // namespace

std::vector<Property> parse_properties(std::string_view text) {
  std::vector<Property> out;
  std::string logical;
  int line_no = 0;
  int start_line = 0;
  bool continuing = false;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t b = 0;
    while (b < line.size() && is_ws(line[b])) ++b;
    line.remove_prefix(b);
    if (!continuing) {
      if (line.empty() || line[0] == '#' || line[0] == '!') {
        if (pos > text.size()) break;
        continue;
      }
      start_line = line_no;
      logical.clear();
    }
    if (ends_with_continuation(line)) {
      logical.append(line.substr(0, line.size() - 1));
      continuing = true;
      if (pos > text.size()) break;
      continue;
    }
    logical.append(line);
    continuing = false;
    out.push_back(split_entry(logical, start_line));
    if (pos > text.size()) break;
  }
  if (continuing && !logical.empty()) {
    // A continuation at end of file: the entry ends there.
    out.push_back(split_entry(logical, start_line));
  }
  return out;
}

std::optional<std::vector<Property>> load_properties(const std::filesystem::path& file,
                                                     std::string& error) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    error = file.string() + ": cannot read: " + std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_properties(ss.str());
}

}  // namespace artemis::security
