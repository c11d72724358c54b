#include "config/bootstrap.hpp"

#include <fmt/core.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>

#include "util/sensitive_string_codec.hpp"

namespace artemis::config {
namespace {

int line_of(const std::string& xml, std::ptrdiff_t offset) {
  if (offset < 0) return 0;
  int line = 1;
  for (std::ptrdiff_t i = 0; i < offset && i < static_cast<std::ptrdiff_t>(xml.size()); ++i)
    line += xml[static_cast<std::size_t>(i)] == '\n' ? 1 : 0;
  return line;
}

// scheme://host:port[/path]
std::optional<WebBinding> parse_binding(std::string uri) {
  WebBinding b;
  b.uri = uri;
  const auto sep = uri.find("://");
  if (sep == std::string::npos) return std::nullopt;
  b.scheme = uri.substr(0, sep);
  auto rest = uri.substr(sep + 3);
  rest = rest.substr(0, rest.find('/'));
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  b.host = rest.substr(0, colon);
  if (b.host.size() > 1 && b.host.front() == '[' && b.host.back() == ']')
    b.host = b.host.substr(1, b.host.size() - 2);
  const auto port = rest.substr(colon + 1);
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), b.port);
  if (ec != std::errc() || end != port.data() + port.size() || b.port <= 0 || b.port > 65535)
    return std::nullopt;
  if (b.scheme != "http" && b.scheme != "https") return std::nullopt;
  return b;
}

}  // namespace

BootstrapResult load_bootstrap_xml(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  return load_bootstrap_xml_string(text.str(), file);
}

BootstrapResult load_bootstrap_xml_string(const std::string& xml,
                                          const std::filesystem::path& file_name) {
  BootstrapResult r;
  pugi::xml_document doc;
  const auto parsed = doc.load_string(xml.c_str());
  if (!parsed) {
    r.errors.push_back({file_name, line_of(xml, parsed.offset),
                        fmt::format("not well-formed XML: {}", parsed.description())});
    return r;
  }
  const auto web = doc.document_element().child("web");
  if (!web) return r;
  auto bindings = web.children("binding");
  auto it = bindings.begin();
  if (it == bindings.end()) {
    r.errors.push_back({file_name, line_of(xml, web.offset_debug()),
                        "<web> has no <binding uri=\"http://host:port\">"});
    return r;
  }
  const auto line = line_of(xml, it->offset_debug());
  const std::string uri = it->attribute("uri").value();
  auto b = parse_binding(uri);
  if (!b) {
    r.errors.push_back({file_name, line,
                        fmt::format("<binding uri=\"{}\">: expected http://host:port or "
                                    "https://host:port",
                                    uri)});
    return r;
  }
  b->name = it->attribute("name").value();
  b->line = line;
  if (b->scheme == "https") {
    const auto instance = file_name.parent_path().parent_path();
    auto store = [&](const char* prefix, WebStore& out) {
      const std::string p = prefix;
      const std::string path = it->attribute((p + "Path").c_str()).value();
      if (path.empty()) return;
      out.path = std::filesystem::path(path).is_absolute() ? path : (instance / path).string();
      out.type = it->attribute((p + "Type").c_str()).value();
      out.password = it->attribute((p + "Password").c_str()).value();
      if (util::is_enc_masked(out.password)) {
        const auto* env = std::getenv(std::string(util::kCodecKeyEnvVar).c_str());
        const util::SensitiveStringCodec codec(util::codec_key(
            std::nullopt, env ? std::optional<std::string_view>(env) : std::nullopt));
        auto plain = codec.decode(util::unwrap_enc(out.password));
        if (!plain.value)
          r.errors.push_back(
              {file_name, line,
               fmt::format("<binding> {}Password could not be unmasked: {}", prefix, plain.error)});
        else
          out.password = std::move(*plain.value);
      }
    };
    store("keyStore", b->key_store);
    store("trustStore", b->trust_store);
    b->client_auth = std::string_view(it->attribute("clientAuth").value()) == "true";
    if (b->key_store.path.empty())
      r.errors.push_back({file_name, line,
                          fmt::format("<binding uri=\"{}\">: https needs keyStorePath (and "
                                      "keyStorePassword)",
                                      uri)});
    if (b->client_auth && b->trust_store.path.empty())
      r.errors.push_back({file_name, line,
                          "<binding clientAuth=\"true\">: needs trustStorePath (and "
                          "trustStorePassword)"});
  }
  r.web = std::move(b);
  if (++it != bindings.end())
    r.warnings.push_back({file_name, line_of(xml, it->offset_debug()),
                          "only the first <binding> of <web> is served; this one is ignored",
                          errc::unsupported});
  return r;
}

}  // namespace artemis::config
