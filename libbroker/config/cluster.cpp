// <cluster-connections>/<cluster-connection name="...">: static clusters (ha.md §1.5, §5).
// Which connectors exist is checked later in validate(), once <connectors> has been read
// wherever it appears in <core>.
#include <fmt/core.h>

#include <array>

#include "config/parse_context.hpp"

namespace artemis::config {
namespace {

using P = ParseContext;
using N = pugi::xml_node;
using CC = ClusterConnectionConfig;
struct ClusterOption {
  std::string_view element;
  void (*read)(P&, N, CC&);
};

void read_static_connectors(P& p, N n, CC& cc) {
  if (auto a = n.attribute("allow-direct-connections-only"); a)
    (void)p.boolean_value(n, "<static-connectors> attribute allow-direct-connections-only",
                          a.value());
  for (auto ref : n.children()) {
    if (ref.type() != pugi::node_element) continue;
    if (local_name(ref) != "connector-ref") {
      p.unknown_child(ref, n, {"connector-ref"});
      continue;
    }
    if (auto v = p.text(ref)) {
      if (v->empty())
        p.error(ref, errc::missing_required,
                "<connector-ref> is empty (name a <connector>, e.g. slave-connector)");
      else {
        cc.static_connectors.push_back(*v);
        cc.static_connector_lines.push_back(p.line_of(ref));
      }
    }
  }
}

constexpr Bounds minus_one_or_more_i32{-1, std::numeric_limits<std::int32_t>::max()};

const std::array kClusterOptions{
    ClusterOption{"address", [](P& p, N n, CC& c) { set(c.address, p.text(n)); }},
    ClusterOption{"connector-ref",
                  [](P& p, N n, CC& c) {
                    set(c.connector_ref, p.text(n));
                    c.connector_ref_line = p.line_of(n);
                  }},
    ClusterOption{"static-connectors", read_static_connectors},
    ClusterOption{"discovery-group-ref",
                  [](P& p, N n, CC& c) {
                    set(c.discovery_group_ref,
                        p.required_attribute(n, "discovery-group-name",
                                             "<discovery-group-ref discovery-group-name=\"dg-group1\"/>"));
                  }},
    ClusterOption{"max-hops", [](P& p, N n, CC& c) { set(c.max_hops, p.int32(n, non_negative)); }},
    ClusterOption{"message-load-balancing",
                  [](P& p, N n, CC& c) {
                    set(c.message_load_balancing,
                        p.choice<MessageLoadBalancing>(
                            n, {{"OFF", MessageLoadBalancing::off},
                                {"STRICT", MessageLoadBalancing::strict},
                                {"ON_DEMAND", MessageLoadBalancing::on_demand},
                                {"OFF_WITH_REDISTRIBUTION",
                                 MessageLoadBalancing::off_with_redistribution}}));
                  }},
    // Deprecated spelling of message-load-balancing: true = STRICT, false = ON_DEMAND.
    ClusterOption{"forward-when-no-consumers",
                  [](P& p, N n, CC& c) {
                    if (auto b = p.boolean(n))
                      c.message_load_balancing =
                          *b ? MessageLoadBalancing::strict : MessageLoadBalancing::on_demand;
                  }},
    ClusterOption{"retry-interval",
                  [](P& p, N n, CC& c) { set(c.retry_interval_ms, p.integer(n, positive)); }},
    ClusterOption{"retry-interval-multiplier",
                  [](P& p, N n, CC& c) { set(c.retry_interval_multiplier, p.decimal(n, 1.0)); }},
    ClusterOption{"max-retry-interval",
                  [](P& p, N n, CC& c) { set(c.max_retry_interval_ms, p.integer(n, positive)); }},
    ClusterOption{"reconnect-attempts",
                  [](P& p, N n, CC& c) { set(c.reconnect_attempts, p.int32(n, minus_one_or_more_i32)); }},
    ClusterOption{"initial-connect-attempts",
                  [](P& p, N n, CC& c) {
                    set(c.initial_connect_attempts, p.int32(n, minus_one_or_more_i32));
                  }},
    ClusterOption{"check-period",
                  [](P& p, N n, CC& c) { set(c.check_period_ms, p.integer(n, positive)); }},
    ClusterOption{"connection-ttl",
                  [](P& p, N n, CC& c) { set(c.connection_ttl_ms, p.integer(n, positive)); }},
    ClusterOption{"use-duplicate-detection",
                  [](P& p, N n, CC& c) { set(c.use_duplicate_detection, p.boolean(n)); }},
    // Accepted and checked; this broker's cluster link does not use them.
    ClusterOption{"min-large-message-size", [](P& p, N n, CC&) { (void)p.byte_size(n, minus_one_or_more); }},
    ClusterOption{"call-timeout", [](P& p, N n, CC&) { (void)p.integer(n, positive); }},
    ClusterOption{"call-failover-timeout", [](P& p, N n, CC&) { (void)p.integer(n, minus_one_or_more); }},
    ClusterOption{"confirmation-window-size", [](P& p, N n, CC&) { (void)p.byte_size(n, minus_one_or_more); }},
    ClusterOption{"producer-window-size", [](P& p, N n, CC&) { (void)p.byte_size(n, minus_one_or_more); }},
    ClusterOption{"notification-interval", [](P& p, N n, CC&) { (void)p.integer(n, positive); }},
    ClusterOption{"notification-attempts", [](P& p, N n, CC&) { (void)p.integer(n, non_negative); }},
    ClusterOption{"topology-scanner-attempts", [](P& p, N n, CC&) { (void)p.integer(n, minus_one_or_more); }},
    ClusterOption{"client-id", [](P& p, N n, CC&) { (void)p.text(n); }},
};

}  // namespace

void parse_cluster_connections(ParseContext& p, pugi::xml_node list, BrokerConfig& c) {
  for (auto n : list.children()) {
    if (n.type() != pugi::node_element) continue;
    if (local_name(n) != "cluster-connection") {
      p.unknown_child(n, list, {"cluster-connection"});
      continue;
    }
    ClusterConnectionConfig cc;
    cc.line = p.line_of(n);
    set(cc.name, p.required_attribute(n, "name", "<cluster-connection name=\"my-cluster\">"));
    for (auto child : n.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto name = local_name(child);
      bool known = false;
      for (const auto& o : kClusterOptions) {
        if (o.element == name) {
          o.read(p, child, cc);
          known = true;
          break;
        }
      }
      if (!known) {
        std::vector<std::string_view> names;
        for (const auto& o : kClusterOptions) names.push_back(o.element);
        p.unknown_child(child, n, names);
      }
    }
    c.cluster_connections.push_back(std::move(cc));
  }
}

}  // namespace artemis::config
