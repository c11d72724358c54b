#pragma once
// Key and trust stores for OpenSSL contexts, as Artemis's URL parameters name them
// (keyStorePath / keyStorePassword / keyStoreType, trustStore…): PKCS12 (the default) or PEM
// (keys and certificates in one file; an encrypted key opened with the password). A Java
// KeyStore is refused with the keytool command that converts it. Shared by the broker's
// acceptors and the client's connections; every failure says what to change.
#include <openssl/ssl.h>

#include <string>

namespace artemis::tls {

struct StoreSpec {
  std::string path;
  std::string password;
  std::string type;  // "PKCS12", "PEM" or empty (from the file name: .pem/.crt/.key are PEM)
};

// The key and certificate chain this side presents. `what` names the parameter in messages
// ("keyStorePath").
bool load_key_store(SSL_CTX* ctx, const StoreSpec& store, const char* what, std::string& why);
// The CAs the other side's certificate must chain to.
bool load_trust_store(SSL_CTX* ctx, const StoreSpec& store, const char* what, std::string& why);
// OpenSSL's reason for the last failure (and clears the queue).
std::string openssl_reason();

}  // namespace artemis::tls
