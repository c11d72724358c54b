// <acceptors>/<acceptor> and <connectors>/<connector>: a name and a transport URL
// (addressing-protocols.md §2.1): tcp://HOST:PORT?key=value;key=value. Every parameter is
// kept; protocols= becomes an upper-case list (empty = every protocol this broker speaks).
#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "config/parse_context.hpp"
#include "uri/uri.hpp"
#include "util/strings.hpp"

namespace artemis::config {
namespace {

constexpr std::array kProtocols{"CORE", "AMQP", "STOMP", "MQTT", "OPENWIRE", "HORNETQ"};

void read_protocols(ParseContext& p, pugi::xml_node n, TransportConfig& t) {
  const auto it = t.params.find("protocols");
  if (it == t.params.end()) return;
  for (const auto& raw : util::split(it->second, ',')) {
    const auto name = util::to_upper(util::trim(raw));
    if (name.empty()) continue;
    if (std::find(kProtocols.begin(), kProtocols.end(), name) == kProtocols.end())
      p.warning(n, errc::unsupported,
                fmt::format("{} '{}': protocol '{}' is unknown (known: CORE, AMQP, STOMP, MQTT, "
                            "OPENWIRE, HORNETQ); ignored",
                            tag(n), t.name, name));
    t.protocols.push_back(name);
  }
}

std::optional<TransportConfig> read_transport(ParseContext& p, pugi::xml_node n) {
  TransportConfig t;
  t.line = p.line_of(n);
  const auto example = fmt::format("<{} name=\"artemis\">tcp://0.0.0.0:61616</{}>", local_name(n),
                                   local_name(n));
  const auto name = p.required_attribute(n, "name", example);
  const auto url = p.text(n);
  if (!name || !url) return std::nullopt;
  t.name = *name;
  t.url = *url;
  if (t.url.empty()) {
    p.error(n, errc::missing_required,
            fmt::format("{} '{}' has no URL (e.g. {})", tag(n), t.name, example));
    return std::nullopt;
  }
  const auto parsed = uri::parse(t.url);
  if (!parsed.value) {
    p.error(n, errc::invalid_value, fmt::format("{} '{}': {}", tag(n), t.name, parsed.error));
    return std::nullopt;
  }
  if (parsed.value->endpoints.size() != 1) {
    p.error(n, errc::invalid_value,
            fmt::format("{} '{}': '{}' lists several URLs; an {} has exactly one "
                        "(e.g. tcp://0.0.0.0:61616)",
                        tag(n), t.name, uri::redact_secrets(t.url), local_name(n)));
    return std::nullopt;
  }
  const auto& ep = parsed.value->endpoints.front();
  t.scheme = ep.scheme;
  t.host = ep.host;
  t.port = ep.port;
  t.params = parsed.value->params;
  for (const auto& [k, v] : ep.params) t.params[k] = v;
  if (t.scheme == "vm") {
    p.warning(n, errc::unsupported,
              fmt::format("{} '{}': in-VM transport '{}' is not supported by this broker; ignored",
                          tag(n), t.name, uri::redact_secrets(t.url)));
    return std::nullopt;
  } else if (t.scheme != "tcp") {
    p.error(n, errc::invalid_value,
            fmt::format("{} '{}': scheme '{}' is not supported (use tcp://host:port)", tag(n),
                        t.name, t.scheme));
    return std::nullopt;
  }
  read_protocols(p, n, t);
  return t;
}

}  // namespace

void parse_transports(ParseContext& p, pugi::xml_node list, std::string_view item,
                      std::vector<TransportConfig>& out) {
  for (auto child : list.children()) {
    if (child.type() != pugi::node_element) continue;
    if (local_name(child) != item) {
      p.unknown_child(child, list, {item});
      continue;
    }
    if (auto t = read_transport(p, child)) out.push_back(std::move(*t));
  }
}

}  // namespace artemis::config
