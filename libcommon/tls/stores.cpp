#include "tls/stores.hpp"

#include <fmt/core.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>

#include "util/strings.hpp"

namespace artemis::tls {
namespace {

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

// "PKCS12" or "PEM", as the store says or its file name suggests; nullopt (and why) otherwise.
std::optional<std::string> type_of(const StoreSpec& s, const char* what, std::string& why) {
  std::string type = util::to_upper(util::trim(s.type));
  if (type.empty()) {
    const auto lower = util::to_lower(s.path);
    type = lower.ends_with(".pem") || lower.ends_with(".crt") || lower.ends_with(".key") ? "PEM"
                                                                                         : "PKCS12";
  }
  if (type == "JKS" || type == "JCEKS" || starts_with_jks_magic(s.path)) {
    why = fmt::format(
        "{} '{}' is a Java KeyStore, which this broker does not read; convert it with `keytool "
        "-importkeystore -srckeystore {} -destkeystore {}.p12 -deststoretype PKCS12` and name "
        "the .p12 file",
        what, s.path, s.path, s.path);
    return std::nullopt;
  }
  if (type != "PKCS12" && type != "PEM") {
    why = fmt::format("{} type '{}' is not PKCS12 or PEM", what, type);
    return std::nullopt;
  }
  return type;
}

bool read_pkcs12(const StoreSpec& s, Pkcs12& out, const char* what, std::string& why) {
  FILE* f = std::fopen(s.path.c_str(), "rb");
  if (f == nullptr) {
    why = fmt::format("cannot open {} '{}': {}", what, s.path, std::strerror(errno));
    return false;
  }
  PKCS12* p12 = d2i_PKCS12_fp(f, nullptr);
  std::fclose(f);
  if (p12 == nullptr) {
    why = fmt::format("{} '{}' is not a PKCS12 file ({})", what, s.path, openssl_reason());
    return false;
  }
  const int ok = PKCS12_parse(p12, s.password.c_str(), &out.key, &out.cert, &out.chain);
  PKCS12_free(p12);
  if (ok != 1) {
    why = fmt::format("cannot read {} '{}': wrong password or damaged file ({})", what, s.path,
                      openssl_reason());
    return false;
  }
  return true;
}

}  // namespace

std::string openssl_reason() {
  const unsigned long e = ERR_peek_last_error();
  ERR_clear_error();
  if (e == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

bool load_key_store(SSL_CTX* ctx, const StoreSpec& s, const char* what, std::string& why) {
  const auto type = type_of(s, what, why);
  if (!type) return false;
  if (*type == "PKCS12") {
    Pkcs12 p;
    if (!read_pkcs12(s, p, what, why)) return false;
    if (p.key == nullptr || p.cert == nullptr) {
      why = fmt::format("{} '{}' holds no private key with its certificate", what, s.path);
      return false;
    }
    if (SSL_CTX_use_certificate(ctx, p.cert) != 1 || SSL_CTX_use_PrivateKey(ctx, p.key) != 1) {
      why = fmt::format("{} '{}': {}", what, s.path, openssl_reason());
      return false;
    }
    for (int i = 0; p.chain != nullptr && i < sk_X509_num(p.chain); ++i) {
      X509* extra = X509_dup(sk_X509_value(p.chain, i));
      if (SSL_CTX_add_extra_chain_cert(ctx, extra) != 1) X509_free(extra);
    }
  } else {
    // OpenSSL's default password callback opens an encrypted PEM key with this.
    std::string password = s.password;
    SSL_CTX_set_default_passwd_cb_userdata(ctx, password.data());
    const bool ok = SSL_CTX_use_certificate_chain_file(ctx, s.path.c_str()) == 1 &&
                    SSL_CTX_use_PrivateKey_file(ctx, s.path.c_str(), SSL_FILETYPE_PEM) == 1;
    SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
    if (!ok) {
      why = fmt::format(
          "cannot read {} '{}' as PEM (key and certificates): wrong password or "
          "damaged file ({})",
          what, s.path, openssl_reason());
      return false;
    }
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    why = fmt::format("{} '{}': the private key does not match the certificate", what, s.path);
    return false;
  }
  return true;
}

bool load_trust_store(SSL_CTX* ctx, const StoreSpec& s, const char* what, std::string& why) {
  const auto type = type_of(s, what, why);
  if (!type) return false;
  if (*type == "PEM") {
    if (SSL_CTX_load_verify_locations(ctx, s.path.c_str(), nullptr) != 1) {
      why = fmt::format("cannot read {} '{}' as PEM certificates ({})", what, s.path,
                        openssl_reason());
      return false;
    }
    return true;
  }
  Pkcs12 p;
  if (!read_pkcs12(s, p, what, why)) return false;
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  if (p.cert != nullptr) X509_STORE_add_cert(store, p.cert);
  for (int i = 0; p.chain != nullptr && i < sk_X509_num(p.chain); ++i)
    X509_STORE_add_cert(store, sk_X509_value(p.chain, i));
  return true;
}

}  // namespace artemis::tls
