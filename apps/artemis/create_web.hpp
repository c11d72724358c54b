#pragma once
// TLS of the embedded web server as `artemis create` writes it into bootstrap.xml's <binding>
// (--ssl-key, --ssl-key-password, --use-client-auth, --ssl-trust, --ssl-trust-password).
// The stores are not opened here: Artemis leaves that to the web server at broker start.
#include <iosfwd>
#include <string>

#include "create_options.hpp"
#include "create_prompt.hpp"

namespace artemis::cli {

struct WebTls {
  bool https = false;  // --ssl-key given and the web server kept (no --no-web)
  std::string key_store;
  std::string key_password;
  bool client_auth = false;
  std::string trust_store;
  std::string trust_password;
};

// Settles the values, asking for missing ones in Artemis's order (key password, trust store,
// trust password). Options that will not reach bootstrap.xml and absolute store paths that do
// not exist only get a warning on `err`: the file may be put in place before the broker starts.
WebTls resolve_web_tls(const CreateOptions& o, Prompter& prompt, std::ostream& err);

// "https" or "http", the scheme of the binding uri.
std::string web_protocol(const WebTls& tls);

// The attributes appended to <binding ...>, each preceded by a space; empty without https.
std::string web_binding_attributes(const WebTls& tls);

}  // namespace artemis::cli
