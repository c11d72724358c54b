#include "config/broker_config.hpp"

#include "config/describe.hpp"
#include "config/errors.hpp"
#include "uri/uri.hpp"
#include "util/strings.hpp"

namespace artemis::config {

std::string_view to_string(JournalType t) {
  switch (t) {
    case JournalType::asyncio: return "ASYNCIO";
    case JournalType::nio: return "NIO";
    case JournalType::mapped: return "MAPPED";
  }
  return "?";
}

std::string_view to_string(RoutingType t) {
  return t == RoutingType::anycast ? "ANYCAST" : "MULTICAST";
}

std::string_view to_string(AddressFullPolicy p) {
  switch (p) {
    case AddressFullPolicy::page: return "PAGE";
    case AddressFullPolicy::block: return "BLOCK";
    case AddressFullPolicy::fail: return "FAIL";
    case AddressFullPolicy::drop: return "DROP";
  }
  return "?";
}

std::string_view to_string(PageFullPolicy p) {
  return p == PageFullPolicy::drop ? "DROP" : "FAIL";
}

std::string_view to_string(MessageLoadBalancing m) {
  switch (m) {
    case MessageLoadBalancing::off: return "OFF";
    case MessageLoadBalancing::strict: return "STRICT";
    case MessageLoadBalancing::on_demand: return "ON_DEMAND";
    case MessageLoadBalancing::off_with_redistribution: return "OFF_WITH_REDISTRIBUTION";
  }
  return "?";
}

std::string_view to_string(HaRole r) {
  switch (r) {
    case HaRole::none: return "none";
    case HaRole::primary: return "primary";
    case HaRole::backup: return "backup";
  }
  return "?";
}

const TransportConfig* BrokerConfig::find_connector(std::string_view n) const {
  for (const auto& t : connectors)
    if (t.name == n) return &t;
  return nullptr;
}

const TransportConfig* BrokerConfig::find_acceptor(std::string_view n) const {
  for (const auto& t : acceptors)
    if (t.name == n) return &t;
  return nullptr;
}

std::int64_t TransportConfig::param_int(const std::string& name, std::int64_t fallback) const {
  const auto it = params.find(name);
  if (it == params.end()) return fallback;
  return util::parse_int(it->second).value_or(fallback);
}

std::string TransportConfig::param_text(const std::string& name) const {
  const auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

bool TransportConfig::param_bool(const std::string& name, bool fallback) const {
  const auto it = params.find(name);
  if (it == params.end()) return fallback;
  return util::parse_bool(it->second).value_or(fallback);
}

std::vector<std::string> TransportConfig::param_list(const std::string& name) const {
  std::vector<std::string> out;
  const auto it = params.find(name);
  if (it == params.end()) return out;
  for (const auto& item : util::split(it->second, ','))
    if (!util::trim(item).empty()) out.emplace_back(util::trim(item));
  return out;
}

std::int64_t effective_global_max_size(const BrokerConfig& c, std::uint64_t memory) {
  if (c.global_max_size > 0) return c.global_max_size;
  // available_memory() stays far below 2^57, so the product cannot overflow.
  return static_cast<std::int64_t>(memory * static_cast<std::uint64_t>(c.global_max_size_percent) /
                                   100);
}

std::optional<std::string> client_url_for(const BrokerConfig& c, std::string_view acceptor_name) {
  const TransportConfig* t = c.find_acceptor(acceptor_name);
  if (t == nullptr) t = c.find_connector(acceptor_name);
  if (t == nullptr) return std::nullopt;
  std::string host = t->host;
  if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]") host = "localhost";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  const std::string scheme = t->scheme.empty() ? "tcp" : t->scheme;
  return scheme + "://" + host + ":" + std::to_string(t->port);
}

std::ostream& operator<<(std::ostream& os, const TransportConfig& t) {
  os << t.name << ": " << uri::redact_secrets(t.url);
  if (t.line > 0) os << " (line " << t.line << ")";
  return os;
}

std::ostream& operator<<(std::ostream& os, const BrokerConfig& c) {
  print_text(os, describe(c));
  return os;
}

namespace {

class ConfigCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "artemis.config"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::ok: return "ok";
      case errc::file_unreadable: return "broker.xml cannot be read";
      case errc::malformed_xml: return "malformed XML";
      case errc::unresolved_variable: return "unresolved ${...} variable";
      case errc::invalid_value: return "invalid value";
      case errc::out_of_range: return "value out of range";
      case errc::missing_required: return "required element or attribute missing";
      case errc::unknown_reference: return "reference to an undefined name";
      case errc::duplicate: return "duplicate definition";
      case errc::unsupported: return "not supported";
      case errc::unsupported_ha:
        return "HA or cluster discovery not supported";
    }
    return "unknown config error";
  }
};

}  // namespace

const std::error_category& config_category() {
  static const ConfigCategory category;
  return category;
}

}  // namespace artemis::config
