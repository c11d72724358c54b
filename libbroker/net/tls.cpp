#include "net/tls.hpp"

#include <fmt/core.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <iterator>
#include <regex>

#include "tls/stores.hpp"

namespace artemis::net {
namespace {

tls::StoreSpec store(const config::TransportConfig& c, const std::string& prefix) {
  return tls::StoreSpec{c.param_text(prefix + "Path"), c.param_text(prefix + "Password"),
                        c.param_text(prefix + "Type")};
}

bool load_stores(SSL_CTX* ctx, const config::TransportConfig& c, std::string& why) {
  const auto key = store(c, "keyStore");
  if (key.path.empty()) {
    why = "sslEnabled=true needs keyStorePath (the server's key and certificate)";
    return false;
  }
  if (!tls::load_key_store(ctx, key, "keyStorePath", why)) return false;
  const auto trust = store(c, "trustStore");
  return trust.path.empty() || tls::load_trust_store(ctx, trust, "trustStorePath", why);
}

bool set_protocols(SSL_CTX* ctx, const config::TransportConfig& c, std::string& why) {
  struct Version {
    const char* name;
    long off;
  };
  static constexpr Version versions[] = {{"TLSv1", SSL_OP_NO_TLSv1},
                                         {"TLSv1.1", SSL_OP_NO_TLSv1_1},
                                         {"TLSv1.2", SSL_OP_NO_TLSv1_2},
                                         {"TLSv1.3", SSL_OP_NO_TLSv1_3}};
  auto wanted = c.param_list("enabledProtocols");
  if (c.params.count("enabledProtocols") == 0) wanted = {"TLSv1.2", "TLSv1.3"};
  if (wanted.empty()) {
    why = "enabledProtocols names no protocol";
    return false;
  }
  for (const auto& name : wanted)
    if (std::none_of(std::begin(versions), std::end(versions),
                     [&](const Version& v) { return name == v.name; })) {
      why = fmt::format("enabledProtocols: '{}' is not one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3",
                        name);
      return false;
    }
  long off = SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3;
  for (const auto& v : versions)
    if (std::find(wanted.begin(), wanted.end(), v.name) == wanted.end()) off |= v.off;
  SSL_CTX_set_options(ctx, off);
  // OpenSSL's default security level refuses TLS 1.0/1.1 whatever is enabled: asked for by
  // name, they are allowed.
  const bool old_wanted =
      (off & (SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1)) != (SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1);
  SSL_CTX_set_min_proto_version(ctx, old_wanted ? TLS1_VERSION : TLS1_2_VERSION);
  if (old_wanted) SSL_CTX_set_security_level(ctx, 0);
  return true;
}

bool set_ciphers(SSL_CTX* ctx, const config::TransportConfig& c, std::string& why) {
  std::string tls13, older;
  for (const auto& name : c.param_list("enabledCipherSuites")) {
    auto& into = name.starts_with("TLS_AES_") || name.starts_with("TLS_CHACHA20_") ? tls13 : older;
    if (!into.empty()) into += ':';
    into += name;
  }
  if (!tls13.empty() && SSL_CTX_set_ciphersuites(ctx, tls13.c_str()) != 1) {
    why = fmt::format("enabledCipherSuites: OpenSSL knows none of '{}'", tls13);
    return false;
  }
  if (!older.empty() && SSL_CTX_set_cipher_list(ctx, older.c_str()) != 1) {
    why = fmt::format(
        "enabledCipherSuites: OpenSSL knows none of '{}' (OpenSSL names, e.g. "
        "ECDHE-RSA-AES128-GCM-SHA256)",
        older);
    return false;
  }
  return true;
}

std::regex sni_pattern(const std::string& text) {
  return std::regex(text, std::regex::ECMAScript | std::regex::icase);
}

bool check_sni_host(const config::TransportConfig& c, std::string& why) {
  const auto pattern = c.param_text("sniHost");
  if (pattern.empty()) return true;
  try {
    sni_pattern(pattern);
    return true;
  } catch (const std::regex_error& e) {
    why = fmt::format("sniHost '{}' is not a regular expression: {}", pattern, e.what());
    return false;
  }
}

}  // namespace

bool sni_host_matches(const std::string& pattern, const std::string& host) {
  try {
    return std::regex_match(host, sni_pattern(pattern));
  } catch (const std::regex_error&) {
    return false;
  }
}

bool tls_enabled(const config::TransportConfig& acceptor) {
  return acceptor.param_bool("sslEnabled", false);
}

bool tls_auto_reload(const config::TransportConfig& acceptor) {
  return acceptor.param_bool("sslAutoReload", false);
}

std::shared_ptr<asio::ssl::context> make_server_tls_context(const config::TransportConfig& acceptor,
                                                            std::string& error) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  std::string why;
  const bool ok = set_protocols(native, acceptor, why) && set_ciphers(native, acceptor, why) &&
                  check_sni_host(acceptor, why) && load_stores(native, acceptor, why);
  if (!ok) {
    error =
        fmt::format("acceptor '{}' (broker.xml line {}): {}", acceptor.name, acceptor.line, why);
    return nullptr;
  }
  int mode = SSL_VERIFY_NONE;
  if (acceptor.param_bool("needClientAuth", false))
    mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  else if (acceptor.param_bool("wantClientAuth", false))
    mode = SSL_VERIFY_PEER;
  SSL_CTX_set_verify(native, mode, nullptr);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  // No TLS 1.3 session tickets: sent right after the handshake, they reach a client whose
  // reader thread and writer thread then use its SSL object at once (Python's ssl module with
  // stomp.py does), and about one connect in fifty loses its first frame. Resumption is all
  // they buy, and a broker's clients connect rarely.
  SSL_CTX_set_num_tickets(native, 0);
  return ctx;
}

}  // namespace artemis::net
