#include "message_xml.hpp"

#include <fmt/core.h>

#include <cstring>
#include <pugixml.hpp>

#include "util/base64.hpp"
#include "util/strings.hpp"

namespace artemis::cli {
namespace {

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

// Artemis's export breaks long base64 into lines.
std::optional<std::string> unbase64(std::string_view text) {
  std::string clean;
  for (char c : text)
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') clean += c;
  return util::base64_decode(clean);
}

std::int64_t number_attribute(const pugi::xml_node& n, const char* name, std::int64_t fallback) {
  return util::parse_int(n.attribute(name).value()).value_or(fallback);
}

}  // namespace

std::string message_xml(const client::Message& m) {
  const bool text = m.type == client::BodyType::text;
  std::string out = fmt::format(
      "   <message id=\"{}\" priority=\"{}\" expiration=\"{}\" timestamp=\"{}\" type=\"{}\">\n",
      util::xml_attribute(m.message_id), m.priority < 0 ? 4 : m.priority, m.expiration_ms,
      m.timestamp_ms, text ? "text" : "bytes");
  out += "      <properties>\n";
  for (const auto& [name, value] : m.properties)
    out += fmt::format("         <property name=\"{}\" value=\"{}\" type=\"string\"/>\n",
                       util::xml_attribute(name), util::xml_attribute(value));
  out += "      </properties>\n";
  out += "      <body>" + cdata(text ? m.body : util::base64_encode(m.body)) + "</body>\n";
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
