#pragma once
// etc/bootstrap.xml as `run` reads it: the web server's binding (`<web><binding uri=…>`), which
// `create` writes as http://localhost:8161 (+ port offset) unless --no-web. The rest of the
// file (the JAAS domain, the broker.xml location) is read where it is used.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/loader.hpp"

namespace artemis::config {

struct WebBinding {
  std::string name;
  std::string uri;     // as written
  std::string scheme;  // http or https
  std::string host;
  int port = 0;
  int line = 0;
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
