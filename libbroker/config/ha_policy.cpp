// <ha-policy> (ha.md §1.1–1.3). Exactly one of primary-only, shared-store or replication
// (live-only is the old name of primary-only); inside shared-store exactly one of primary or
// backup (master/slave are the old names: same behaviour, plus warning AMQ221038).
// Unknown elements directly under <ha-policy> or <shared-store> are errors, not warnings: a
// misspelt role would silently start a node without HA.
#include <fmt/core.h>

#include "config/log_codes.hpp"
#include "config/parse_context.hpp"

namespace artemis::config {
namespace {

void deprecated_name(ParseContext& p, pugi::xml_node n, std::string_view now) {
  p.warning(n, errc::unsupported,
            fmt::format("AMQ{}: {}", log_codes::deprecated_option.id,
                        fmt::format(fmt::runtime(log_codes::deprecated_option.text),
                                    local_name(n), now)));
}

void failback_delay(ParseContext& p, pugi::xml_node n) {
  (void)p.integer(n, minus_one_or_more);
  p.warning(n, errc::unsupported,
            "<failback-delay> is deprecated and has no effect (failback happens as soon as the "
            "primary is back); ignored");
}

void read_scale_down(ParseContext& p, pugi::xml_node n, HaPolicyConfig& ha) {
  ha.scale_down = true;  // present => enabled unless <enabled>false</enabled>
  for (auto child : n.children()) {
    if (child.type() != pugi::node_element) continue;
    const auto name = local_name(child);
    if (name == "enabled") set(ha.scale_down, p.boolean(child));
    else if (name == "commit-interval") (void)p.integer(child, minus_one_or_more);
    else if (name == "group-name" || name == "discovery-group-ref" || name == "connectors") continue;
    else p.unknown_child(child, n, {"enabled", "group-name", "discovery-group-ref", "connectors",
                                    "commit-interval"});
  }
  if (ha.scale_down)
    p.warning(n, errc::unsupported,
              "<scale-down> is read but this broker does not scale down yet; a backup that "
              "activates serves the messages itself");
}

void read_primary(ParseContext& p, pugi::xml_node n, HaPolicyConfig& ha) {
  for (auto child : n.children()) {
    if (child.type() != pugi::node_element) continue;
    const auto name = local_name(child);
    if (name == "failover-on-shutdown") set(ha.failover_on_shutdown, p.boolean(child));
    else if (name == "wait-for-activation") set(ha.wait_for_activation, p.boolean(child));
    else if (name == "failback-delay") failback_delay(p, child);
    else p.unknown_child(child, n, {"failover-on-shutdown", "wait-for-activation"});
  }
}

void read_backup(ParseContext& p, pugi::xml_node n, HaPolicyConfig& ha) {
  for (auto child : n.children()) {
    if (child.type() != pugi::node_element) continue;
    const auto name = local_name(child);
    if (name == "allow-failback") set(ha.allow_failback, p.boolean(child));
    else if (name == "failover-on-shutdown") set(ha.failover_on_shutdown, p.boolean(child));
    else if (name == "restart-backup") set(ha.restart_backup, p.boolean(child));
    else if (name == "scale-down") read_scale_down(p, child, ha);
    else if (name == "failback-delay") failback_delay(p, child);
    else p.unknown_child(child, n, {"allow-failback", "failover-on-shutdown", "restart-backup",
                                    "scale-down"});
  }
}

// The single role element of <shared-store> or <replication>.
void read_role(ParseContext& p, pugi::xml_node policy, HaPolicyConfig& ha, bool read_children) {
  pugi::xml_node role_node;
  for (auto child : policy.children()) {
    if (child.type() != pugi::node_element) continue;
    const auto name = local_name(child);
    if (name == "colocated") {
      p.error(child, errc::unsupported,
              fmt::format("{}: <colocated> is not supported by this broker (use <primary> or "
                          "<backup>)",
                          tag(policy)));
      continue;
    }
    if (name != "primary" && name != "backup" && name != "master" && name != "slave") {
      p.error(child, errc::invalid_value,
              fmt::format("{} is not allowed in {} (use exactly one of <primary> or <backup>)",
                          tag(child), tag(policy)));
      continue;
    }
    if (role_node) {
      p.error(child, errc::duplicate,
              fmt::format("{} has both {} (line {}) and {}; a node has exactly one role",
                          tag(policy), tag(role_node), p.line_of(role_node), tag(child)));
      continue;
    }
    role_node = child;
    const bool primary = name == "primary" || name == "master";
    ha.role = primary ? HaRole::primary : HaRole::backup;
    if (name == "master" || name == "slave") {
      ha.legacy_names = true;
      deprecated_name(p, child, primary ? "primary" : "backup");
    }
    if (read_children) {
      if (primary) read_primary(p, child, ha);
      else read_backup(p, child, ha);
    }
  }
  if (!role_node)
    p.error(policy, errc::missing_required,
            fmt::format("{} needs a role: <primary/> or <backup/>", tag(policy)));
}

}  // namespace

void parse_ha_policy(ParseContext& p, pugi::xml_node n, HaPolicyConfig& ha) {
  ha.line = p.line_of(n);
  pugi::xml_node chosen;
  for (auto child : n.children()) {
    if (child.type() != pugi::node_element) continue;
    const auto name = local_name(child);
    if (name != "live-only" && name != "primary-only" && name != "shared-store" &&
        name != "replication") {
      p.error(child, errc::invalid_value,
              fmt::format("{} is not a known HA policy (use one of <primary-only>, <shared-store>, "
                          "<replication>)",
                          tag(child)));
      continue;
    }
    if (chosen) {
      p.error(child, errc::duplicate,
              fmt::format("<ha-policy> has both {} (line {}) and {}; choose one", tag(chosen),
                          p.line_of(chosen), tag(child)));
      continue;
    }
    chosen = child;
    if (name == "live-only" || name == "primary-only") {
      if (name == "live-only") deprecated_name(p, child, "primary-only");
      ha.role = HaRole::none;
      for (auto c : child.children()) {
        if (c.type() != pugi::node_element) continue;
        if (local_name(c) == "scale-down") read_scale_down(p, c, ha);
        else p.unknown_child(c, child, {"scale-down"});
      }
    } else if (name == "shared-store") {
      ha.shared_store = true;
      read_role(p, child, ha, true);
    } else {
      ha.replication = true;
      read_role(p, child, ha, false);
      p.warning(child, errc::unsupported_ha,
                "<replication> HA is not supported by this broker yet: this node would run "
                "without the replica it names. Use <shared-store> (artemis create "
                "--shared-store --static-cluster tcp://host:port) for a primary/backup pair");
    }
  }
}

}  // namespace artemis::config
