#include "message_xml.hpp"

#include <fmt/core.h>
#include <openssl/evp.h>

#include <charconv>
#include <cstring>
#include <pugixml.hpp>

namespace artemis::cli {
namespace {

std::string escape_attribute(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\t':
        out += "&#9;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A CDATA section cannot hold "]]>": it is split across two sections there.
std::string cdata(std::string_view text) {
  std::string out = "<![CDATA[";
  std::size_t at = 0;
  for (auto end = text.find("]]>"); end != std::string_view::npos; end = text.find("]]>", at)) {
    out.append(text.substr(at, end + 2 - at));
    out += "]]><![CDATA[";
    at = end + 2;
  }
  out.append(text.substr(at));
  return out + "]]>";
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> unbase64(std::string_view text) {
  std::string clean;
  for (char c : text)
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') clean += c;
  if (clean.size() % 4 != 0) return std::nullopt;
  std::string out(clean.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  auto size = static_cast<std::size_t>(n);
  for (auto i = clean.size(); i > 0 && clean[i - 1] == '=' && size > 0; --i) --size;
  out.resize(size);
  return out;
}

std::int64_t number_attribute(const pugi::xml_node& n, const char* name, std::int64_t fallback) {
  const std::string_view v = n.attribute(name).value();
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return ec == std::errc() && end == v.data() + v.size() && !v.empty() ? out : fallback;
}

}  // namespace

std::string message_xml(const client::Message& m) {
  const bool text = m.type == client::BodyType::text;
  std::string out = fmt::format(
      "   <message id=\"{}\" priority=\"{}\" expiration=\"{}\" timestamp=\"{}\" type=\"{}\">\n",
      escape_attribute(m.message_id), m.priority < 0 ? 4 : m.priority, m.expiration_ms,
      m.timestamp_ms, text ? "text" : "bytes");
  out += "      <properties>\n";
  for (const auto& [name, value] : m.properties)
    out += fmt::format("         <property name=\"{}\" value=\"{}\" type=\"string\"/>\n",
                       escape_attribute(name), escape_attribute(value));
  out += "      </properties>\n";
  out += "      <body>" + cdata(text ? m.body : base64(m.body)) + "</body>\n";
  return out + "   </message>\n";
}

bool MessageXmlWriter::open(const std::string& path, std::string& error) {
  std::lock_guard lock(mutex_);
  out_.open(path, std::ios::binary | std::ios::trunc);
  if (!out_) {
    error =
        fmt::format("Error: Unable to open file for writing\n{}: {}", path, std::strerror(errno));
    return false;
  }
  out_ << "<?xml version=\"1.0\"?>\n<messages>\n" << std::flush;
  return true;
}

void MessageXmlWriter::write(const client::Message& m) {
  std::lock_guard lock(mutex_);
  if (out_.is_open()) out_ << message_xml(m) << std::flush;
}

void MessageXmlWriter::close() {
  std::lock_guard lock(mutex_);
  if (!out_.is_open()) return;
  out_ << "</messages>\n";
  out_.close();
}

std::optional<std::vector<client::Message>> read_message_xml(const std::string& path,
                                                             std::string& error) {
  pugi::xml_document doc;
  const auto parsed = doc.load_file(path.c_str());
  if (!parsed) {
    error = fmt::format("{}: {} (at byte {})", path, parsed.description(), parsed.offset);
    return std::nullopt;
  }
  const auto root = doc.child("messages");
  if (!root) {
    error = path + ": no <messages> element";
    return std::nullopt;
  }
  std::vector<client::Message> out;
  int index = 0;
  for (const auto& node : root.children("message")) {
    ++index;
    client::Message m;
    const std::string_view type = node.attribute("type").value();
    m.type = type == "text" ? client::BodyType::text : client::BodyType::bytes;
    m.priority = static_cast<int>(number_attribute(node, "priority", -1));
    if (m.priority > 9) m.priority = 9;
    m.expiration_ms = number_attribute(node, "expiration", 0);
    for (const auto& p : node.child("properties").children("property"))
      m.properties[p.attribute("name").value()] = p.attribute("value").value();
    const auto body = node.child("body");
    const bool large = std::string_view(body.attribute("isLarge").value()) == "true";
    for (const auto& part : body.children()) {
      if (part.type() != pugi::node_cdata && part.type() != pugi::node_pcdata) continue;
      if (type == "text" && !large) {
        m.body += part.value();
        continue;
      }
      auto bytes = unbase64(part.value());
      if (!bytes) {
        error = fmt::format("{}: message {}: the body is not base64", path, index);
        return std::nullopt;
      }
      m.body += *bytes;
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace artemis::cli
