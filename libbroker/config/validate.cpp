// Cross-field rules: run once after the whole file is read, so element order in broker.xml does
// not matter (the lab adds <connectors> anywhere under <core>). Each message names both sides.
#include <fmt/core.h>

#include <map>
#include <set>

#include "config/parse_context.hpp"

namespace artemis::config {
namespace {

std::string names_of(const std::vector<TransportConfig>& ts) {
  if (ts.empty()) return "none is defined";
  std::string out = "defined: ";
  for (std::size_t i = 0; i < ts.size(); ++i) out += (i ? ", " : "") + ts[i].name;
  return out;
}

void unique_transports(ParseContext& p, const std::vector<TransportConfig>& ts,
                       std::string_view what) {
  std::map<std::string, int> by_name;
  std::map<std::pair<std::string, int>, const TransportConfig*> by_endpoint;
  for (const auto& t : ts) {
    if (auto [it, fresh] = by_name.emplace(t.name, t.line); !fresh)
      p.error_at_line(t.line, errc::duplicate,
                      fmt::format("<{}> name '{}' is already used at line {} (names must be unique)",
                                  what, t.name, it->second));
    if (what != "acceptor" || t.port == 0) continue;
    if (auto [it, fresh] = by_endpoint.emplace(std::pair{t.host, t.port}, &t); !fresh)
      p.error_at_line(t.line, errc::duplicate,
                      fmt::format("<acceptor> '{}' listens on {}:{} like '{}' (line {}); give one "
                                  "of them another port",
                                  t.name, t.host, t.port, it->second->name, it->second->line));
  }
}

void cluster_rules(ParseContext& p, const BrokerConfig& c) {
  std::map<std::string, int> names;
  for (const auto& cc : c.cluster_connections) {
    if (auto [it, fresh] = names.emplace(cc.name, cc.line); !fresh && !cc.name.empty())
      p.error_at_line(cc.line, errc::duplicate,
                      fmt::format("<cluster-connection> name '{}' is already used at line {}",
                                  cc.name, it->second));
    if (cc.connector_ref.empty()) {
      p.error_at_line(cc.line, errc::missing_required,
                      fmt::format("<cluster-connection> '{}' needs a <connector-ref> naming the "
                                  "<connector> this node advertises (e.g. "
                                  "<connector-ref>master-connector</connector-ref>)",
                                  cc.name));
    } else if (c.find_connector(cc.connector_ref) == nullptr) {
      p.error_at_line(cc.connector_ref_line > 0 ? cc.connector_ref_line : cc.line, errc::unknown_reference,
                      fmt::format("<cluster-connection> '{}': <connector-ref> '{}' names no "
                                  "<connector> ({})",
                                  cc.name, cc.connector_ref, names_of(c.connectors)));
    }
    for (std::size_t i = 0; i < cc.static_connectors.size(); ++i) {
      const auto& ref = cc.static_connectors[i];
      const int line = i < cc.static_connector_lines.size() ? cc.static_connector_lines[i] : cc.line;
      if (c.find_connector(ref) == nullptr)
        p.error_at_line(line, errc::unknown_reference,
                        fmt::format("<cluster-connection> '{}': <static-connectors> names "
                                    "'{}', which is no <connector> ({})",
                                    cc.name, ref, names_of(c.connectors)));
    }
    if (cc.discovery_group_ref)
      p.warning_at_line(cc.line, errc::unsupported_ha,
                        fmt::format("<cluster-connection> '{}': UDP discovery ('{}') is not "
                                    "supported by this broker yet: no node would be found. "
                                    "List them in <static-connectors> (artemis create "
                                    "--static-cluster tcp://host:port)",
                                    cc.name, *cc.discovery_group_ref));
    if (cc.max_retry_interval_ms < cc.retry_interval_ms)
      p.warning_at_line(cc.line, errc::out_of_range,
                        fmt::format("<cluster-connection> '{}': <max-retry-interval> {} is below "
                                    "<retry-interval> {}; retries wait {} ms",
                                    cc.name, cc.max_retry_interval_ms, cc.retry_interval_ms,
                                    cc.retry_interval_ms));
  }
}

void ha_rules(ParseContext& p, const BrokerConfig& c) {
  const auto& ha = c.ha_policy;
  if (ha.shared_store && !c.persistence_enabled)
    p.error_at_line(ha.line, errc::invalid_value,
                    "<ha-policy><shared-store> needs <persistence-enabled>true</persistence-enabled> "
                    "(it is false): the shared store is the journal");
  if ((ha.shared_store || ha.replication) && ha.role != HaRole::none &&
      c.cluster_connections.empty())
    p.warning_at_line(ha.line, errc::missing_required,
                      "<ha-policy> without <cluster-connections>: clients will not learn the "
                      "backup's address and failback cannot happen (add a <cluster-connection> "
                      "with a <connector-ref> and <static-connectors>)");
}

void address_rules(ParseContext& p, const BrokerConfig& c) {
  std::map<std::string, int> addresses;
  std::map<std::string, int> queues;
  for (const auto& a : c.addresses) {
    if (auto [it, fresh] = addresses.emplace(a.name, a.line); !fresh)
      p.error_at_line(a.line, errc::duplicate,
                      fmt::format("<address> '{}' is already defined at line {}", a.name, it->second));
    for (const auto& q : a.queues)
      if (auto [it, fresh] = queues.emplace(q.name, q.line); !fresh)
        p.error_at_line(q.line, errc::duplicate,
                        fmt::format("<queue> '{}' is already defined at line {} (queue names are "
                                    "unique across addresses)",
                                    q.name, it->second));
  }
  const auto& w = c.wildcards;
  if (w.delimiter == w.any_words || w.delimiter == w.single_word || w.any_words == w.single_word)
    p.error_at_line(0, errc::invalid_value,
                    fmt::format("<wildcard-addresses>: <delimiter> '{}', <any-words> '{}' and "
                                "<single-word> '{}' must be three different characters",
                                w.delimiter, w.any_words, w.single_word));
}

}  // namespace

void validate(ParseContext& p, const BrokerConfig& c) {
  unique_transports(p, c.acceptors, "acceptor");
  unique_transports(p, c.connectors, "connector");
  cluster_rules(p, c);
  ha_rules(p, c);
  address_rules(p, c);
  if (c.security_enabled && c.security_settings.empty())
    p.warning_at_line(0, errc::missing_required,
                      "<security-enabled> is true but there are no <security-settings>: every "
                      "send and consume will be denied");
}

}  // namespace artemis::config
