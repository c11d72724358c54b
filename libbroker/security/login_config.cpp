#include "security/login_config.hpp"

#include <fmt/core.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "util/strings.hpp"

namespace artemis::security {
namespace {

struct Token {
  enum class Kind { word, string, punct, end } kind;
  std::string text;
  int line;
};

// Splits the text into words, "quoted strings" and the punctuation { } ; =.
std::vector<Token> tokenize(std::string_view s, std::string& error) {
  std::vector<Token> out;
  int line = 1;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\n') { ++line; ++i; continue; }
    if (std::isspace(static_cast<unsigned char>(c))) { ++i; continue; }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      const auto end = s.find("*/", i + 2);
      const auto stop = end == std::string_view::npos ? s.size() : end + 2;
      for (auto k = i; k < stop; ++k) line += s[k] == '\n';
      i = stop;
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '/') {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (c == '{' || c == '}' || c == ';' || c == '=') {
      out.push_back({Token::Kind::punct, std::string(1, c), line});
      ++i;
      continue;
    }
    if (c == '"') {
      std::string text;
      const int start = line;
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        if (s[i] == '\n') ++line;
        text += s[i++];
      }
      if (i >= s.size()) {
        error = fmt::format("{}: unterminated quoted string", start);
        return {};
      }
      ++i;
      out.push_back({Token::Kind::string, std::move(text), start});
      continue;
    }
    std::string word;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) &&
           std::string_view("{};=\"").find(s[i]) == std::string_view::npos)
      word += s[i++];
    out.push_back({Token::Kind::word, std::move(word), line});
  }
  out.push_back({Token::Kind::end, "", line});
  return out;
}

bool is(const Token& t, char p) { return t.kind == Token::Kind::punct && t.text[0] == p; }

}  // namespace

const LoginDomain* LoginConfig::find(std::string_view domain) const {
  for (const auto& d : domains)
    if (d.name == domain) return &d;
  return nullptr;
}

LoginConfigResult parse_login_config(std::string_view text, std::string_view file_name) {
  std::string terr;
  auto toks = tokenize(text, terr);
  if (!terr.empty()) return {std::nullopt, fmt::format("{}:{}", file_name, terr)};
  std::size_t i = 0;
  auto fail = [&](std::string_view what) {
    return LoginConfigResult{std::nullopt, fmt::format("{}:{}: {} (found '{}')", file_name,
                                                       toks[i].line, what, toks[i].text)};
  };
  LoginConfig cfg;
  while (toks[i].kind != Token::Kind::end) {
    if (toks[i].kind != Token::Kind::word) return fail("expected a domain name");
    LoginDomain domain{toks[i++].text, {}};
    if (!is(toks[i], '{')) return fail("expected '{' after the domain name");
    ++i;
    while (!is(toks[i], '}')) {
      if (toks[i].kind != Token::Kind::word) return fail("expected a login module class name");
      LoginModuleEntry e;
      e.line = toks[i].line;
      e.class_name = toks[i++].text;
      if (toks[i].kind != Token::Kind::word) return fail("expected a control flag (required, sufficient, ...)");
      e.flag = util::to_lower(toks[i++].text);
      while (!is(toks[i], ';')) {
        if (toks[i].kind != Token::Kind::word) return fail("expected an option name or ';'");
        std::string key = toks[i++].text;
        if (!is(toks[i], '=')) return fail(fmt::format("expected '=' after option '{}'", key));
        ++i;
        if (toks[i].kind != Token::Kind::word && toks[i].kind != Token::Kind::string)
          return fail(fmt::format("expected a value for option '{}'", key));
        e.options[key] = toks[i++].text;
      }
      ++i;  // ';'
      domain.modules.push_back(std::move(e));
    }
    ++i;  // '}'
    if (is(toks[i], ';')) ++i;
    cfg.domains.push_back(std::move(domain));
  }
  return {std::move(cfg), ""};
}

LoginConfigResult load_login_config(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {std::nullopt, fmt::format("{}: cannot read the file", file.string())};
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_login_config(ss.str(), file.string());
}

LoginPolicy policy_of(const LoginDomain& domain) {
  LoginPolicy p;
  auto ends_with = [](std::string_view s, std::string_view suffix) { return s.ends_with(suffix); };
  for (const auto& m : domain.modules) {
    auto opt = [&](const char* key) -> const std::string* {
      auto it = m.options.find(key);
      return it == m.options.end() ? nullptr : &it->second;
    };
    if (ends_with(m.class_name, "PropertiesLoginModule")) {
      p.properties_module = true;
      if (auto* v = opt("org.apache.activemq.jaas.properties.user")) p.users_file = *v;
      if (auto* v = opt("org.apache.activemq.jaas.properties.role")) p.roles_file = *v;
    } else if (ends_with(m.class_name, "CertificateLoginModule")) {
      p.certificate_module = true;
      if (auto* v = opt("org.apache.activemq.jaas.textfiledn.user")) p.cert_users_file = *v;
      if (auto* v = opt("org.apache.activemq.jaas.textfiledn.role")) p.cert_roles_file = *v;
    } else if (ends_with(m.class_name, "GuestLoginModule")) {
      p.guest = true;
      if (auto* v = opt("org.apache.activemq.jaas.guest.user")) p.guest_user = *v;
      if (auto* v = opt("org.apache.activemq.jaas.guest.role")) p.guest_role = *v;
      if (auto* v = opt("credentialsInvalidate"))
        p.guest_credentials_invalidate = util::iequals(*v, "true");
    } else {
      p.unsupported.push_back(m.class_name);
    }
  }
  return p;
}

}  // namespace artemis::security
