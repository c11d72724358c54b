#include "uri/uri.hpp"

#include <fmt/core.h>

#include "util/strings.hpp"

namespace artemis::uri {

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      const int h = hex(s[i + 1]);
      const int l = hex(s[i + 2]);
      if (h >= 0 && l >= 0) {
        out.push_back(static_cast<char>(h * 16 + l));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find_first_of(";&", start);
    if (end == std::string_view::npos) end = query.size();
    const auto item = query.substr(start, end - start);
    if (!item.empty()) {
      const auto eq = item.find('=');
      if (eq == std::string_view::npos) out[url_decode(item)] = "";
      else out[url_decode(item.substr(0, eq))] = url_decode(item.substr(eq + 1));
    }
    start = end + 1;
  }
  return out;
}

namespace {

std::optional<Endpoint> parse_endpoint(std::string_view text, std::string& error) {
  Endpoint ep;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) {
    error = fmt::format("'{}' is not a URI: expected scheme://host:port (e.g. tcp://localhost:61616)",
                        text);
    return std::nullopt;
  }
  ep.scheme = util::to_lower(text.substr(0, scheme_end));
  auto rest = text.substr(scheme_end + 3);
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::string_view host;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) {
      error = fmt::format("'{}': unterminated '[' in IPv6 host", text);
      return std::nullopt;
    }
    host = rest.substr(1, close - 1);
    auto after = rest.substr(close + 1);
    if (!after.empty() && after.front() == ':') port = after.substr(1);
    else if (!after.empty()) {
      error = fmt::format("'{}': unexpected text after ']'", text);
      return std::nullopt;
    }
  } else {
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
      host = rest;
    } else {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
    }
  }
  if (host.empty()) {
    error = fmt::format("'{}': missing host (e.g. tcp://localhost:61616)", text);
    return std::nullopt;
  }
  ep.host = std::string(host);
  if (port.empty()) {
    if (ep.scheme == "tcp") {
      ep.port = 61616;  // Artemis's default port when a tcp URI leaves it out
    }
  } else {
    const auto p = util::parse_int(port);
    if (!p || *p < 0 || *p > 65535) {
      error = fmt::format("'{}': '{}' is not a port number (0-65535)", text, port);
      return std::nullopt;
    }
    ep.port = static_cast<int>(*p);
  }
  ep.params = parse_query(query);
  return ep;
}

}  // namespace

std::string Endpoint::to_string() const {
  std::string out = fmt::format("{}://{}:{}", scheme,
                                host.find(':') != std::string::npos ? "[" + host + "]" : host, port);
  char sep = '?';
  for (const auto& [k, v] : params) {
    out += fmt::format("{}{}={}", sep, k, v);
    sep = '&';
  }
  return out;
}

ParseResult parse(std::string_view text) {
  ParseResult result;
  text = util::trim(text);
  if (text.empty()) {
    result.error = "empty URI: expected scheme://host:port (e.g. tcp://localhost:61616)";
    return result;
  }
  UriList list;
  if (text.front() == '(') {
    // The ')' that closes the list: values inside it may hold brackets of their own
    // (keyStorePassword=ENC(...)).
    auto close = std::string_view::npos;
    for (std::size_t i = 1, depth = 1; i < text.size() && close == std::string_view::npos; ++i) {
      if (text[i] == '(')
        ++depth;
      else if (text[i] == ')' && --depth == 0)
        close = i;
    }
    if (close == std::string_view::npos) {
      result.error = fmt::format("'{}': missing ')' closing the server list", text);
      return result;
    }
    list.is_list = true;
    const auto inner = text.substr(1, close - 1);
    auto after = text.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != '?') {
        result.error = fmt::format("'{}': expected '?' after ')'", text);
        return result;
      }
      list.params = parse_query(after.substr(1));
    }
    for (const auto& item : util::split(inner, ',')) {
      const auto trimmed = util::trim(item);
      if (trimmed.empty()) {
        result.error = fmt::format("'{}': empty entry in the server list", text);
        return result;
      }
      auto ep = parse_endpoint(trimmed, result.error);
      if (!ep) return result;
      list.endpoints.push_back(std::move(*ep));
    }
  } else {
    auto ep = parse_endpoint(text, result.error);
    if (!ep) return result;
    list.params = ep->params;
    list.endpoints.push_back(std::move(*ep));
  }
  result.value = std::move(list);
  return result;
}

std::string redact_secrets(std::string url) {
  auto secret = [](std::string_view name) {
    return name.find("Password") != std::string_view::npos ||
           name.find("password") != std::string_view::npos;
  };
  for (auto eq = url.find('='); eq != std::string::npos; eq = url.find('=', eq + 1)) {
    const auto start = url.find_last_of("?;&(", eq);
    if (start == std::string::npos) continue;
    if (!secret(std::string_view(url).substr(start + 1, eq - start - 1))) continue;
    // Inside a server list an entry's parameters also end at ',' and ')'.
    int depth = 0;
    for (std::size_t i = 0; i < eq; ++i) depth += url[i] == '(' ? 1 : url[i] == ')' ? -1 : 0;
    const auto end = std::min(url.find_first_of(depth > 0 ? ";&,)" : ";&", eq + 1), url.size());
    url.replace(eq + 1, end - eq - 1, "****");
  }
  return url;
}

}  // namespace artemis::uri
