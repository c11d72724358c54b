#include "config/describe.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <optional>
#include <sstream>

#include "uri/uri.hpp"
#include "util/memory.hpp"
#include "util/strings.hpp"

namespace artemis::config {
namespace {

using Node = ConfigNode;

Node::Value to_value(bool v) { return v; }
Node::Value to_value(int v) { return static_cast<std::int64_t>(v); }
Node::Value to_value(std::int64_t v) { return v; }
Node::Value to_value(double v) { return v; }
Node::Value to_value(const std::string& v) { return v; }
Node::Value to_value(std::string_view v) { return std::string(v); }
Node::Value to_value(const std::filesystem::path& v) { return v.string(); }
Node::Value to_value(RoutingType v) { return std::string(to_string(v)); }
Node::Value to_value(AddressFullPolicy v) { return std::string(to_string(v)); }
Node::Value to_value(PageFullPolicy v) {
  return std::string(to_string(v));
}
template <class T>
Node::Value to_value(const std::optional<T>& v) {
  return v ? to_value(*v) : Node::Value{};
}
template <class T>
Node leaf(std::string key, const T& v) {
  return Node{std::move(key), Node::Kind::value, to_value(v), {}};
}
Node object(std::string key, std::vector<Node> children) {
  return Node{std::move(key), Node::Kind::object, {}, std::move(children)};
}
Node list(std::string key, std::vector<Node> items) {
  return Node{std::move(key), Node::Kind::list, {}, std::move(items)};
}
Node strings(std::string key, const std::vector<std::string>& v) {
  std::vector<Node> items;
  for (const auto& s : v) items.push_back(leaf("", s));
  return list(std::move(key), std::move(items));
}

// Secrets are never printed: password parameters (keyStorePassword, ...), also inside the URL
// as written, and the key of <password-codec>.
constexpr std::string_view kHidden = "****";

bool is_secret_param(std::string_view name) {
  return name.find("Password") != std::string_view::npos ||
         name.find("password") != std::string_view::npos;
}

std::optional<std::string> hide_codec_key(const std::optional<std::string>& codec) {
  if (!codec) return std::nullopt;
  std::string out;
  std::size_t start = 0;
  while (start <= codec->size()) {
    auto end = std::min(codec->find(';', start), codec->size());
    auto part = codec->substr(start, end - start);
    // Every parameter but the algorithm is hidden: a key may be written without its name.
    const auto eq = part.find('=');
    if (start != 0 && (eq == std::string::npos ||
                       util::trim(std::string_view(part).substr(0, eq)) != "algorithm"))
      part = (eq == std::string::npos ? "" : part.substr(0, eq + 1)) + std::string(kHidden);
    out += (start == 0 ? "" : ";") + part;
    start = end + 1;
  }
  return out;
}

Node transport(const TransportConfig& t) {
  std::vector<Node> params;
  for (const auto& [k, v] : t.params)
    params.push_back(is_secret_param(k) ? leaf(k, kHidden) : leaf(k, v));
  return object("", {leaf("name", t.name), leaf("url", uri::redact_secrets(t.url)),
                     leaf("scheme", t.scheme), leaf("host", t.host), leaf("port", t.port),
                     strings("protocols", t.protocols), object("params", std::move(params))});
}

Node journal(const JournalConfig& j) {
  return object("journal",
                {leaf("journal-type", to_string(j.type)), leaf("journal-datasync", j.datasync),
                 leaf("journal-file-size", j.file_size), leaf("journal-min-files", j.min_files),
                 leaf("journal-pool-files", j.pool_files),
                 leaf("journal-compact-min-files", j.compact_min_files),
                 leaf("journal-compact-percentage", j.compact_percentage),
                 leaf("journal-buffer-size", j.buffer_size),
                 leaf("journal-buffer-timeout", j.buffer_timeout_ns),
                 leaf("journal-max-io", j.max_io),
                 leaf("journal-device-block-size", j.device_block_size),
                 leaf("journal-sync-transactional", j.sync_transactional),
                 leaf("journal-sync-non-transactional", j.sync_non_transactional),
                 leaf("journal-lock-acquisition-timeout", j.lock_acquisition_timeout_ms),
                 leaf("page-sync-timeout", j.page_sync_timeout_ns)});
}

Node cluster_connection(const ClusterConnectionConfig& cc) {
  return object("", {leaf("name", cc.name), leaf("address", cc.address),
                     leaf("connector-ref", cc.connector_ref),
                     strings("static-connectors", cc.static_connectors),
                     leaf("discovery-group-ref", cc.discovery_group_ref),
                     leaf("max-hops", cc.max_hops),
                     leaf("message-load-balancing", to_string(cc.message_load_balancing)),
                     leaf("retry-interval", cc.retry_interval_ms),
                     leaf("retry-interval-multiplier", cc.retry_interval_multiplier),
                     leaf("max-retry-interval", cc.max_retry_interval_ms),
                     leaf("reconnect-attempts", cc.reconnect_attempts),
                     leaf("initial-connect-attempts", cc.initial_connect_attempts),
                     leaf("check-period", cc.check_period_ms),
                     leaf("connection-ttl", cc.connection_ttl_ms),
                     leaf("use-duplicate-detection", cc.use_duplicate_detection)});
}

Node ha_policy(const HaPolicyConfig& ha) {
  std::string_view policy = ha.shared_store ? "shared-store" : ha.replication ? "replication" : "primary-only";
  std::vector<Node> v{leaf("policy", policy), leaf("role", to_string(ha.role)),
                      leaf("legacy-names", ha.legacy_names),
                      leaf("failover-on-shutdown", ha.failover_on_shutdown)};
  if (ha.role == HaRole::primary) v.push_back(leaf("wait-for-activation", ha.wait_for_activation));
  if (ha.role == HaRole::backup) {
    v.push_back(leaf("allow-failback", ha.allow_failback));
    v.push_back(leaf("restart-backup", ha.restart_backup));
  }
  v.push_back(leaf("scale-down", ha.scale_down));
  return object("ha-policy", std::move(v));
}

Node security_setting(const SecuritySetting& s) {
  std::vector<Node> perms;
  for (const auto& p : s.permissions) perms.push_back(strings(p.type, p.roles));
  return object("", {leaf("match", s.match), object("permissions", std::move(perms))});
}

Node resource_limit(const ResourceLimitSetting& r) {
  return object("", {leaf("match", r.match), leaf("max-connections", r.max_connections),
                     leaf("max-queues", r.max_queues)});
}

Node address_setting(const AddressSetting& a) {
  std::vector<Node> v{leaf("match", a.match)};
  auto add = [&v](Node n) {
    if (!std::holds_alternative<std::monostate>(n.value)) v.push_back(std::move(n));
  };
  add(leaf("dead-letter-address", a.dead_letter_address));
  add(leaf("expiry-address", a.expiry_address));
  add(leaf("expiry-delay", a.expiry_delay));
  add(leaf("redelivery-delay", a.redelivery_delay));
  add(leaf("redelivery-delay-multiplier", a.redelivery_delay_multiplier));
  add(leaf("max-redelivery-delay", a.max_redelivery_delay));
  add(leaf("max-delivery-attempts", a.max_delivery_attempts));
  add(leaf("max-size-bytes", a.max_size_bytes));
  add(leaf("max-size-messages", a.max_size_messages));
  add(leaf("page-size-bytes", a.page_size_bytes));
  add(leaf("address-full-policy", a.address_full_policy));
  add(leaf("message-counter-history-day-limit", a.message_counter_history_day_limit));
  add(leaf("auto-create-queues", a.auto_create_queues));
  add(leaf("auto-create-addresses", a.auto_create_addresses));
  add(leaf("auto-delete-queues", a.auto_delete_queues));
  add(leaf("auto-delete-addresses", a.auto_delete_addresses));
  add(leaf("auto-delete-queues-delay", a.auto_delete_queues_delay));
  add(leaf("auto-delete-queues-message-count", a.auto_delete_queues_message_count));
  add(leaf("auto-delete-queues-skip-usage-check", a.auto_delete_queues_skip_usage_check));
  add(leaf("auto-delete-addresses-delay", a.auto_delete_addresses_delay));
  add(leaf("auto-delete-addresses-skip-usage-check", a.auto_delete_addresses_skip_usage_check));
  add(leaf("auto-create-dead-letter-resources", a.auto_create_dead_letter_resources));
  add(leaf("auto-create-expiry-resources", a.auto_create_expiry_resources));
  add(leaf("default-address-routing-type", a.default_address_routing_type));
  add(leaf("default-queue-routing-type", a.default_queue_routing_type));
  add(leaf("send-to-dla-on-no-route", a.send_to_dla_on_no_route));
  add(leaf("default-consumer-window-size", a.default_consumer_window_size));
  add(leaf("id-cache-size", a.id_cache_size));
  add(leaf("max-read-page-bytes", a.max_read_page_bytes));
  add(leaf("max-read-page-messages", a.max_read_page_messages));
  add(leaf("page-limit-bytes", a.page_limit_bytes));
  add(leaf("page-limit-messages", a.page_limit_messages));
  add(leaf("page-full-policy", a.page_full_policy));
  return object("", std::move(v));
}

Node address(const AddressConfig& a) {
  std::vector<Node> queues;
  for (const auto& q : a.queues)
    queues.push_back(object("", {leaf("name", q.name), leaf("routing-type", to_string(q.routing_type)),
                                 leaf("filter", q.filter), leaf("durable", q.durable),
                                 leaf("max-consumers", q.max_consumers),
                                 leaf("purge-on-no-consumers", q.purge_on_no_consumers),
                                 leaf("user", q.user)}));
  return object("", {leaf("name", a.name), leaf("anycast", a.anycast),
                     leaf("multicast", a.multicast), list("queues", std::move(queues))});
}

template <class T, class F>
Node list_of(std::string key, const std::vector<T>& items, F each) {
  std::vector<Node> v;
  for (const auto& i : items) v.push_back(each(i));
  return list(std::move(key), std::move(v));
}

std::string value_text(const Node::Value& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "unset"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return fmt::format("{}", d); }
    std::string operator()(const std::string& s) const { return s.empty() ? "\"\"" : s; }
  };
  return std::visit(Visitor{}, v);
}

bool all_values(const Node& n) {
  for (const auto& c : n.children)
    if (c.kind != Node::Kind::value) return false;
  return true;
}

}  // namespace

ConfigNode describe(const BrokerConfig& c) {
  const auto& w = c.wildcards;
  const auto& ca = c.critical_analyzer;
  return object(
      "",
      {leaf("source", c.source), leaf("instance", c.instance_dir), leaf("name", c.name),
       leaf("persistence-enabled", c.persistence_enabled),
       leaf("security-enabled", c.security_enabled), leaf("paging-directory", c.paging_directory),
       leaf("bindings-directory", c.bindings_directory),
       leaf("journal-directory", c.journal_directory),
       leaf("large-messages-directory", c.large_messages_directory),
       leaf("node-manager-lock-directory", c.node_manager_lock_directory), journal(c.journal),
       leaf("max-redelivery-records", c.max_redelivery_records),
       // What the broker will use: -1 means a share of the memory (Artemis: of the heap).
       leaf("global-max-size", effective_global_max_size(c, util::available_memory())),
       leaf("global-max-messages", c.global_max_messages), leaf("max-disk-usage", c.max_disk_usage),
       leaf("min-disk-free", c.min_disk_free), leaf("disk-scan-period", c.disk_scan_period_ms),
       leaf("message-expiry-scan-period", c.message_expiry_scan_period_ms),
       leaf("address-queue-scan-period", c.address_queue_scan_period_ms),
       leaf("configuration-file-refresh-period", c.configuration_file_refresh_period_ms),
       leaf("id-cache-size", c.id_cache_size), leaf("persist-id-cache", c.persist_id_cache),
       leaf("mqtt-subscription-persistence-enabled", c.mqtt_subscription_persistence),
       leaf("mqtt-session-scan-interval", c.mqtt_session_scan_interval_ms),
       leaf("connection-ttl-override", c.connection_ttl_override_ms),
       leaf("transaction-timeout", c.transaction_timeout_ms),
       leaf("management-address", c.management_address),
       leaf("management-notification-address", c.management_notification_address),
       object("critical-analyzer",
              {leaf("enabled", ca.enabled), leaf("timeout", ca.timeout_ms),
               leaf("check-period", ca.check_period_ms), leaf("policy", ca.policy)}),
       list_of("acceptors", c.acceptors, transport), list_of("connectors", c.connectors, transport),
       leaf("cluster-user", c.cluster_user),
       leaf("cluster-password",
            c.cluster_password ? std::optional<std::string>(kHidden) : std::nullopt),
       leaf("mask-password", c.mask_password),
       leaf("password-codec", hide_codec_key(c.password_codec)),
       list_of("cluster-connections", c.cluster_connections, cluster_connection),
       ha_policy(c.ha_policy), list_of("security-settings", c.security_settings, security_setting),
       list_of("resource-limit-settings", c.resource_limits, resource_limit),
       list_of("address-settings", c.address_settings, address_setting),
       list_of("addresses", c.addresses, address),
       object("wildcard-addresses", {leaf("routing-enabled", w.routing_enabled),
                                     leaf("delimiter", std::string(1, w.delimiter)),
                                     leaf("any-words", std::string(1, w.any_words)),
                                     leaf("single-word", std::string(1, w.single_word))})});
}

void print_text(std::ostream& os, const ConfigNode& node, int indent) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  for (const auto& child : node.children) {
    const bool item = node.kind == ConfigNode::Kind::list;
    const std::string lead = item ? pad + "- " : pad + child.key + ": ";
    switch (child.kind) {
      case ConfigNode::Kind::value:
        os << (item ? pad + "- " : pad + child.key + ": ") << value_text(child.value) << '\n';
        break;
      case ConfigNode::Kind::object:
      case ConfigNode::Kind::list:
        if (child.kind == ConfigNode::Kind::list && all_values(child)) {
          // Short lists of plain values on one line: "protocols: [CORE, AMQP]".
          std::string line;
          for (const auto& v : child.children) line += (line.empty() ? "" : ", ") + value_text(v.value);
          os << lead << '[' << line << "]\n";
        } else if (child.children.empty()) {
          os << lead << (child.kind == ConfigNode::Kind::list ? "[]" : "{}") << '\n';
        } else if (item) {
          // "- name: x" then the rest indented under it.
          std::ostringstream inner;
          print_text(inner, child, indent + 2);
          auto text = inner.str();
          text.replace(0, static_cast<std::size_t>(indent + 2), pad + "- ");
          os << text;
        } else {
          os << pad << child.key << ":\n";
          print_text(os, child, indent + 2);
        }
        break;
    }
  }
}

}  // namespace artemis::config
