// The web server's TLS settings of `artemis create`; see create_web.hpp.
#include "create_web.hpp"

#include <filesystem>
#include <ostream>

#include "util/strings.hpp"

namespace artemis::cli {
namespace {

// Names of the TLS options present on the command line, comma separated.
std::string given_tls_options(const CreateOptions& o) {
  std::string names;
  auto note = [&names](bool given, const char* name) {
    if (!given) return;
    if (!names.empty()) names += ", ";
    names += name;
  };
  note(o.ssl_key.has_value(), "--ssl-key");
  note(o.ssl_key_password.has_value(), "--ssl-key-password");
  note(o.use_client_auth, "--use-client-auth");
  note(o.ssl_trust.has_value(), "--ssl-trust");
  note(o.ssl_trust_password.has_value(), "--ssl-trust-password");
  return names;
}

// Artemis accepts these silently; a word on stderr saves a user from wondering why the
// instance still serves plain http.
void warn_ignored(const CreateOptions& o, std::ostream& err) {
  std::string names = given_tls_options(o);
  if (names.empty()) return;
  if (o.no_web)
    err << "Warning: " << names << " ignored: --no-web leaves the web server out of "
        << "bootstrap.xml\n";
  else if (!o.ssl_key)
    err << "Warning: " << names << " ignored without --ssl-key\n";
  else if (!o.use_client_auth && (o.ssl_trust || o.ssl_trust_password))
    err << "Warning: --ssl-trust and --ssl-trust-password are ignored without "
        << "--use-client-auth\n";
}

// A relative path is resolved by the web server against its working directory, unknown here,
// so only absolute paths are checked.
void warn_missing(const char* what, const std::string& path, std::ostream& err) {
  std::filesystem::path p(path);
  std::error_code ec;
  // Only a file known to be missing: one that cannot be looked at (permissions) is let be.
  if (p.is_absolute() && !std::filesystem::exists(p, ec) && !ec)
    err << "Warning: " << what << " '" << path
        << "' does not exist; the web server needs it when the broker starts\n";
}

}  // namespace

WebTls resolve_web_tls(const CreateOptions& o, Prompter& prompt, std::ostream& err) {
  WebTls tls;
  warn_ignored(o, err);
  if (!o.ssl_key || o.no_web) return tls;
  tls.https = true;
  tls.key_store = *o.ssl_key;
  tls.key_password =
      o.ssl_key_password
          ? *o.ssl_key_password
          : prompt.password("--ssl-key-password", "What is the keystore password?", "password");
  warn_missing("key store", tls.key_store, err);
  if (!o.use_client_auth) return tls;
  tls.client_auth = true;
  tls.trust_store = o.ssl_trust ? *o.ssl_trust
                                : prompt.input("--ssl-trust", "What is the trust store path?",
                                               "/etc/truststore.jks");
  // Artemis labels this question "--ssl-key-password" and asks for the keystore password again;
  // naming the option actually being filled avoids typing the key store's password twice.
  tls.trust_password = o.ssl_trust_password
                           ? *o.ssl_trust_password
                           : prompt.password("--ssl-trust-password",
                                             "What is the trust store password?", "password");
  warn_missing("trust store", tls.trust_store, err);
  return tls;
}

std::string web_protocol(const WebTls& tls) {
  return tls.https ? "https" : "http";
}

std::string web_binding_attributes(const WebTls& tls) {
  if (!tls.https) return "";
  std::string out = " keyStorePath=\"" + util::xml_attribute(tls.key_store) +
                    "\" keyStorePassword=\"" + util::xml_attribute(tls.key_password) + "\"";
  if (tls.client_auth)
    out += " clientAuth=\"true\" trustStorePath=\"" + util::xml_attribute(tls.trust_store) +
           "\" trustStorePassword=\"" + util::xml_attribute(tls.trust_password) + "\"";
  return out;
}

}  // namespace artemis::cli
