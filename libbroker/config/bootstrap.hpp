#pragma once
// etc/bootstrap.xml as `run` reads it: the web server's binding (`<web><binding uri=…>`), which
// `create` writes as http://localhost:8161 (+ port offset) unless --no-web, or as https with
// the key store (and trust store) of --ssl-key (--use-client-auth). The rest of the
// file (the JAAS domain, the broker.xml location) is read where it is used.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/loader.hpp"

namespace artemis::config {

struct WebStore {
  std::string path;      // absolute (a relative one is read against the instance directory)
  std::string password;  // unmasked when written ENC(...)
  std::string type;      // keyStoreType / trustStoreType as written; empty: from the file name
};

struct WebBinding {
  std::string name;
  std::string uri;     // as written
  std::string scheme;  // http or https
  std::string host;
  int port = 0;
  int line = 0;
  // https: keyStorePath/keyStorePassword/keyStoreType; clientAuth with the trust store.
  WebStore key_store;
  bool client_auth = false;
  WebStore trust_store;
};

struct BootstrapResult {
  std::optional<WebBinding> web;  // absent: no <web> (create --no-web)
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
};

// A missing file is no error (a broker started from a bare broker.xml has none).
BootstrapResult load_bootstrap_xml(const std::filesystem::path& file);
BootstrapResult load_bootstrap_xml_string(const std::string& xml,
                                          const std::filesystem::path& file_name);

}  // namespace artemis::config
