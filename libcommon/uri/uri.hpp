#pragma once
// Transport URIs as Artemis writes them in acceptors, connectors and client URLs:
//   tcp://host:port?key=value;key=value      (';' and '&' both separate parameters)
//   (tcp://a:61616,tcp://b:61617)?ha=true     (a list; the parameters apply to every entry)
// Values are URL-decoded. Parameter names keep their case (Artemis keys are case-sensitive).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace artemis::uri {

struct Endpoint {
  std::string scheme;  // "tcp"
  std::string host;    // "localhost", "0.0.0.0", "::1" (brackets removed)
  int port = 0;
  std::map<std::string, std::string> params;  // this endpoint's own parameters

  std::string to_string() const;  // scheme://host:port[?k=v&...]
};

struct UriList {
  std::vector<Endpoint> endpoints;
  std::map<std::string, std::string> params;  // parameters after the closing ')' (or of the single URI)
  bool is_list = false;                       // written with parentheses
};

// Returns the parsed URI or an error text that says what is wrong ("missing port in 'tcp://x'").
struct ParseResult {
  std::optional<UriList> value;
  std::string error;
};
ParseResult parse(std::string_view text);

// Parses "k=v;k2=v2&k3" into a map (a key without '=' maps to "").
std::map<std::string, std::string> parse_query(std::string_view query);
std::string url_decode(std::string_view s);

// The URL with the value of every parameter whose name holds "password" (keyStorePassword,
// trustStorePassword ...) replaced by "****": what a log line or an error may show.
std::string redact_secrets(std::string url);

}  // namespace artemis::uri
