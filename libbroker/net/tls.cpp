#include "net/tls.hpp"

#include <fmt/core.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <vector>

#include "util/strings.hpp"

namespace artemis::net {
namespace {

std::optional<std::string> param(const config::TransportConfig& c, const char* name) {
  const auto it = c.params.find(name);
  if (it == c.params.end()) return std::nullopt;
  return it->second;
}

bool flag(const config::TransportConfig& c, const char* name) {
  const auto v = param(c, name);
  return v && util::to_lower(util::trim(*v)) == "true";
}

// OpenSSL's reason for the last failure, for a message a person can act on.
std::string openssl_reason() {
  const unsigned long e = ERR_peek_last_error();
  ERR_clear_error();
  if (e == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

struct Pkcs12 {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509) * chain = nullptr;
  ~Pkcs12() {
    EVP_PKEY_free(key);
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
  }
};

bool starts_with_jks_magic(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char magic[4] = {};
  in.read(reinterpret_cast<char*>(magic), 4);
  return in && magic[0] == 0xFE && magic[1] == 0xED && magic[2] == 0xFE && magic[3] == 0xED;
}

// "PKCS12" / "PEM" as the parameter or the file name says; an error for JKS and the unknown.
std::optional<std::string> store_type(const std::optional<std::string>& declared,
                                      const std::string& path, const char* what, std::string& why) {
  std::string type = declared ? util::to_upper(util::trim(*declared)) : "";
  if (type.empty()) {
    const auto lower = util::to_lower(path);
    type = lower.ends_with(".pem") || lower.ends_with(".crt") || lower.ends_with(".key") ? "PEM"
                                                                                         : "PKCS12";
  }
  if (type == "JKS" || type == "JCEKS" || starts_with_jks_magic(path)) {
    why = fmt::format(
        "{} '{}' is a Java KeyStore, which this broker does not read; convert it with `keytool "
        "-importkeystore -srckeystore {} -destkeystore {}.p12 -deststoretype PKCS12` and name "
        "the .p12 file",
        what, path, path, path);
    return std::nullopt;
  }
  if (type != "PKCS12" && type != "PEM") {
    why = fmt::format("{} type '{}' is not PKCS12 or PEM", what, type);
    return std::nullopt;
  }
  return type;
}

bool read_pkcs12(const std::string& path, const std::string& password, Pkcs12& out,
                 const char* what, std::string& why) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    why = fmt::format("cannot open {} '{}': {}", what, path, std::strerror(errno));
    return false;
  }
  PKCS12* p12 = d2i_PKCS12_fp(f, nullptr);
  std::fclose(f);
  if (p12 == nullptr) {
    why = fmt::format("{} '{}' is not a PKCS12 file ({})", what, path, openssl_reason());
    return false;
  }
  const int ok = PKCS12_parse(p12, password.c_str(), &out.key, &out.cert, &out.chain);
  PKCS12_free(p12);
  if (ok != 1) {
    why = fmt::format("cannot read {} '{}': wrong password or damaged file ({})", what, path,
                      openssl_reason());
    return false;
  }
  return true;
}

bool load_key_store(SSL_CTX* ctx, const config::TransportConfig& c, std::string& why) {
  const auto path = param(c, "keyStorePath");
  if (!path || path->empty()) {
    why = "sslEnabled=true needs keyStorePath (the server's key and certificate)";
    return false;
  }
  const auto type = store_type(param(c, "keyStoreType"), *path, "keyStorePath", why);
  if (!type) return false;
  const std::string password = param(c, "keyStorePassword").value_or("");
  if (*type == "PKCS12") {
    Pkcs12 p;
    if (!read_pkcs12(*path, password, p, "keyStorePath", why)) return false;
    if (p.key == nullptr || p.cert == nullptr) {
      why = fmt::format("keyStorePath '{}' holds no private key with its certificate", *path);
      return false;
    }
    if (SSL_CTX_use_certificate(ctx, p.cert) != 1 || SSL_CTX_use_PrivateKey(ctx, p.key) != 1) {
      why = fmt::format("keyStorePath '{}': {}", *path, openssl_reason());
      return false;
    }
    for (int i = 0; p.chain != nullptr && i < sk_X509_num(p.chain); ++i) {
      X509* extra = X509_dup(sk_X509_value(p.chain, i));
      if (SSL_CTX_add_extra_chain_cert(ctx, extra) != 1) X509_free(extra);
    }
  } else {
    // The password callback opens an encrypted PEM key.
    SSL_CTX_set_default_passwd_cb_userdata(ctx, const_cast<char*>(password.c_str()));
    const bool ok = SSL_CTX_use_certificate_chain_file(ctx, path->c_str()) == 1 &&
                    SSL_CTX_use_PrivateKey_file(ctx, path->c_str(), SSL_FILETYPE_PEM) == 1;
    SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
    if (!ok) {
      why = fmt::format(
          "cannot read keyStorePath '{}' as PEM (key and certificates): wrong "
          "keyStorePassword or damaged file ({})",
          *path, openssl_reason());
      return false;
    }
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    why = fmt::format("keyStorePath '{}': the private key does not match the certificate", *path);
    return false;
  }
  return true;
}

bool load_trust_store(SSL_CTX* ctx, const config::TransportConfig& c, std::string& why) {
  const auto path = param(c, "trustStorePath");
  if (!path || path->empty()) return true;
  const auto type = store_type(param(c, "trustStoreType"), *path, "trustStorePath", why);
  if (!type) return false;
  if (*type == "PEM") {
    if (SSL_CTX_load_verify_locations(ctx, path->c_str(), nullptr) != 1) {
      why = fmt::format("cannot read trustStorePath '{}' as PEM certificates ({})", *path,
                        openssl_reason());
      return false;
    }
    return true;
  }
  Pkcs12 p;
  if (!read_pkcs12(*path, param(c, "trustStorePassword").value_or(""), p, "trustStorePath", why))
    return false;
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  if (p.cert != nullptr) X509_STORE_add_cert(store, p.cert);
  for (int i = 0; p.chain != nullptr && i < sk_X509_num(p.chain); ++i)
    X509_STORE_add_cert(store, sk_X509_value(p.chain, i));
  return true;
}

bool set_protocols(SSL_CTX* ctx, const config::TransportConfig& c, std::string& why) {
  const std::string list = param(c, "enabledProtocols").value_or("TLSv1.2,TLSv1.3");
  struct Version {
    const char* name;
    long off;
  };
  static constexpr Version versions[] = {{"TLSv1", SSL_OP_NO_TLSv1},
                                         {"TLSv1.1", SSL_OP_NO_TLSv1_1},
                                         {"TLSv1.2", SSL_OP_NO_TLSv1_2},
                                         {"TLSv1.3", SSL_OP_NO_TLSv1_3}};
  std::vector<std::string> wanted;
  for (auto& p : util::split(list, ',')) {
    const auto name = std::string(util::trim(p));
    if (name.empty()) continue;
    bool known = false;
    for (const auto& v : versions) known = known || name == v.name;
    if (!known) {
      why = fmt::format("enabledProtocols: '{}' is not one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3",
                        name);
      return false;
    }
    wanted.push_back(name);
  }
  if (wanted.empty()) {
    why = "enabledProtocols names no protocol";
    return false;
  }
  long off = SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3;
  bool old_wanted = false;
  for (const auto& v : versions) {
    const bool on = std::find(wanted.begin(), wanted.end(), v.name) != wanted.end();
    if (!on) off |= v.off;
    old_wanted = old_wanted || (on && (v.off == SSL_OP_NO_TLSv1 || v.off == SSL_OP_NO_TLSv1_1));
  }
  SSL_CTX_set_options(ctx, off);
  // OpenSSL's default security level refuses TLS 1.0/1.1 whatever is enabled: asked for by
  // name, they are allowed.
  SSL_CTX_set_min_proto_version(ctx, old_wanted ? TLS1_VERSION : TLS1_2_VERSION);
  if (old_wanted) SSL_CTX_set_security_level(ctx, 0);
  return true;
}

bool set_ciphers(SSL_CTX* ctx, const config::TransportConfig& c, std::string& why) {
  const auto list = param(c, "enabledCipherSuites");
  if (!list || util::trim(*list).empty()) return true;
  std::string tls13, older;
  for (auto& p : util::split(*list, ',')) {
    const auto name = std::string(util::trim(p));
    if (name.empty()) continue;
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

}  // namespace

bool tls_enabled(const config::TransportConfig& acceptor) {
  return flag(acceptor, "sslEnabled");
}

std::shared_ptr<asio::ssl::context> make_server_tls_context(const config::TransportConfig& acceptor,
                                                            std::string& error) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  std::string why;
  const bool ok = set_protocols(native, acceptor, why) && set_ciphers(native, acceptor, why) &&
                  load_key_store(native, acceptor, why) && load_trust_store(native, acceptor, why);
  if (!ok) {
    error =
        fmt::format("acceptor '{}' (broker.xml line {}): {}", acceptor.name, acceptor.line, why);
    return nullptr;
  }
  int mode = SSL_VERIFY_NONE;
  if (flag(acceptor, "needClientAuth"))
    mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  else if (flag(acceptor, "wantClientAuth"))
    mode = SSL_VERIFY_PEER;
  SSL_CTX_set_verify(native, mode, nullptr);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  return ctx;
}

}  // namespace artemis::net
