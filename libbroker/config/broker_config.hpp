#pragma once
// BrokerConfig: the typed result of loading etc/broker.xml. Plain structs, printable, with the
// defaults Artemis applies when an element is absent. Paths are already resolved to absolute
// paths against the instance directory (see loader.hpp). Read by every layer; depends on none.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace artemis::config {

enum class JournalType { asyncio, nio, mapped };
enum class RoutingType { anycast, multicast };
enum class AddressFullPolicy { page, block, fail, drop };
// What a paging address does past page-limit-bytes / page-limit-messages.
enum class PageFullPolicy { drop, fail };
enum class MessageLoadBalancing { off, strict, on_demand, off_with_redistribution };
enum class HaRole { none, primary, backup };  // "master"/"live" = primary, "slave" = backup

std::string_view to_string(JournalType);
std::string_view to_string(RoutingType);
std::string_view to_string(AddressFullPolicy);
std::string_view to_string(PageFullPolicy);
std::string_view to_string(MessageLoadBalancing);
std::string_view to_string(HaRole);

// An <acceptor> or <connector>: name + URL + every parameter of the URL.
struct TransportConfig {
  std::string name;
  std::string url;  // as written (after ${} substitution)
  std::string scheme = "tcp";
  std::string host;
  int port = 0;
  std::map<std::string, std::string> params;  // tcpSendBufferSize, protocols, anycastPrefix, ...
  std::vector<std::string> protocols;         // upper-case, from protocols=; empty = all
  int line = 0;                               // line in broker.xml, for messages

  // Parameter `name` as a number; `fallback` when absent or not a number.
  std::int64_t param_int(const std::string& name, std::int64_t fallback) const;
  // Parameter `name` as a comma list, each item trimmed, empty ones dropped; {} when absent.
  std::vector<std::string> param_list(const std::string& name) const;
  // Parameter `name` as written; "" when absent.
  std::string param_text(const std::string& name) const;
  // Parameter `name` as true/false; `fallback` when absent or neither.
  bool param_bool(const std::string& name, bool fallback) const;
};

struct JournalConfig {
  JournalType type = JournalType::asyncio;
  bool datasync = true;
  std::int64_t file_size = 10 * 1024 * 1024;
  int min_files = 2;
  int pool_files = -1;
  int compact_min_files = 10;
  int compact_percentage = 30;
  std::int64_t buffer_size = 490 * 1024;
  std::optional<std::int64_t> buffer_timeout_ns;  // default depends on type (500us AIO, 3.33ms NIO)
  int max_io = 1;
  int device_block_size = 4096;
  bool sync_transactional = true;
  bool sync_non_transactional = true;
  std::int64_t lock_acquisition_timeout_ms = -1;
  std::int64_t page_sync_timeout_ns = 3'333'333;
};

struct ClusterConnectionConfig {
  std::string name;
  std::string address;                      // prefix filter, "" = all
  std::string connector_ref;                // what this node advertises
  std::vector<std::string> static_connectors;  // connector names
  std::optional<std::string> discovery_group_ref;
  int max_hops = 1;
  MessageLoadBalancing message_load_balancing = MessageLoadBalancing::on_demand;
  std::int64_t retry_interval_ms = 500;
  double retry_interval_multiplier = 1.0;
  std::int64_t max_retry_interval_ms = 2000;
  int reconnect_attempts = -1;
  int initial_connect_attempts = -1;
  std::int64_t check_period_ms = 30000;
  std::int64_t connection_ttl_ms = 60000;
  bool use_duplicate_detection = true;
  int line = 0;
  int connector_ref_line = 0;              // lines of <connector-ref> / each static one, for messages
  std::vector<int> static_connector_lines;
};

struct HaPolicyConfig {
  HaRole role = HaRole::none;   // none: no <ha-policy> (or primary-only/live-only)
  bool shared_store = false;    // <shared-store>
  bool replication = false;     // <replication> (parsed, not supported by the broker yet)
  bool legacy_names = false;    // written as master/slave (logs AMQ221038)
  bool failover_on_shutdown = false;
  bool wait_for_activation = true;
  bool allow_failback = true;   // backup only
  bool restart_backup = true;   // backup only; Artemis's code default (its XSD says false)
  bool scale_down = false;
  int line = 0;
};

struct Permission {
  std::string type;                 // send, consume, browse, createDurableQueue, ..., manage
  std::vector<std::string> roles;
};
struct SecuritySetting {
  std::string match;
  std::vector<Permission> permissions;
  int line = 0;
};

// One <resource-limit-setting match="user">: limits of one user (or of every user: match "#").
struct ResourceLimitSetting {
  std::string match;
  int max_connections = -1;  // -1: no limit
  int max_queues = -1;       // -1: no limit
  int line = 0;
};

// One <address-setting match="...">: only what the element sets is present; merging by match
// specificity happens in core (core/address_settings.hpp).
struct AddressSetting {
  std::string match;
  std::optional<std::string> dead_letter_address;
  std::optional<std::string> expiry_address;
  std::optional<std::int64_t> expiry_delay;
  std::optional<std::int64_t> redelivery_delay;
  std::optional<double> redelivery_delay_multiplier;
  std::optional<std::int64_t> max_redelivery_delay;
  std::optional<int> max_delivery_attempts;
  std::optional<std::int64_t> max_size_bytes;
  std::optional<std::int64_t> max_size_messages;
  std::optional<std::int64_t> page_size_bytes;
  std::optional<AddressFullPolicy> address_full_policy;
  std::optional<int> message_counter_history_day_limit;
  std::optional<bool> auto_create_queues;
  std::optional<bool> auto_create_addresses;
  std::optional<bool> auto_delete_queues;
  std::optional<bool> auto_delete_addresses;
  std::optional<std::int64_t> auto_delete_queues_delay;
  std::optional<std::int64_t> auto_delete_queues_message_count;
  std::optional<bool> auto_delete_queues_skip_usage_check;
  std::optional<std::int64_t> auto_delete_addresses_delay;
  std::optional<bool> auto_delete_addresses_skip_usage_check;
  std::optional<bool> auto_create_dead_letter_resources;
  std::optional<bool> auto_create_expiry_resources;
  std::optional<RoutingType> default_address_routing_type;
  std::optional<RoutingType> default_queue_routing_type;
  std::optional<bool> send_to_dla_on_no_route;
  std::optional<std::int64_t> default_consumer_window_size;
  std::optional<int> id_cache_size;
  std::optional<std::int64_t> max_read_page_bytes;
  std::optional<std::int64_t> max_read_page_messages;
  std::optional<std::int64_t> page_limit_bytes;
  std::optional<std::int64_t> page_limit_messages;
  std::optional<PageFullPolicy> page_full_policy;
  int line = 0;
};

struct QueueConfig {
  std::string name;
  RoutingType routing_type = RoutingType::anycast;
  std::optional<std::string> filter;
  bool durable = true;
  int max_consumers = -1;
  bool purge_on_no_consumers = false;
  std::optional<std::string> user;
  int line = 0;
};

struct AddressConfig {
  std::string name;
  bool anycast = false;    // <anycast> present
  bool multicast = false;  // <multicast> present
  std::vector<QueueConfig> queues;
  int line = 0;
};

struct WildcardConfig {
  bool routing_enabled = true;
  char delimiter = '.';
  char any_words = '#';
  char single_word = '*';
};

// <critical-analyzer*>: read and kept so `config print` shows them; this broker has no
// critical analyzer yet, so they have no effect.
struct CriticalAnalyzerConfig {
  bool enabled = true;
  std::int64_t timeout_ms = 120000;
  std::int64_t check_period_ms = 60000;
  std::string policy = "LOG";  // HALT, SHUTDOWN or LOG
};

struct BrokerConfig {
  std::filesystem::path source;        // the broker.xml that was read
  std::filesystem::path instance_dir;  // what relative paths resolve against
  std::string name = "localhost";
  bool persistence_enabled = true;
  bool security_enabled = true;
  std::filesystem::path paging_directory;
  std::filesystem::path bindings_directory;
  std::filesystem::path journal_directory;
  std::filesystem::path large_messages_directory;
  std::filesystem::path node_manager_lock_directory;  // defaults to journal_directory
  JournalConfig journal;
  int max_redelivery_records = 10;
  std::int64_t global_max_size = -1;  // -1: global_max_size_percent of the memory
  // global-max-size-percent-of-jvm-max-memory: here a share of the memory the process may use.
  int global_max_size_percent = 50;
  std::int64_t global_max_messages = -1;
  int max_disk_usage = 90;
  // Bytes that must stay usable on each data file system; -1 off. Set, it replaces
  // max-disk-usage (Artemis checks one or the other).
  std::int64_t min_disk_free = -1;
  std::int64_t disk_scan_period_ms = 5000;
  std::int64_t message_expiry_scan_period_ms = 30000;
  std::int64_t address_queue_scan_period_ms = 30000;
  // broker.xml is checked this often; changed security-settings and address-settings apply.
  std::int64_t configuration_file_refresh_period_ms = 5000;
  int id_cache_size = 20000;
  bool persist_id_cache = true;
  // MQTT sessions that outlive their connection are kept in the journal (false: in memory
  // only, so a restart forgets them and clients subscribe again); checked for expiry this often.
  bool mqtt_subscription_persistence = true;
  std::int64_t mqtt_session_scan_interval_ms = 5000;
  std::int64_t connection_ttl_override_ms = -1;
  std::int64_t transaction_timeout_ms = 300000;
  std::string management_address = "activemq.management";
  std::string management_notification_address = "activemq.notifications";
  std::vector<TransportConfig> acceptors;
  std::vector<TransportConfig> connectors;
  std::optional<std::string> cluster_user;
  std::optional<std::string> cluster_password;  // decoded when it was written masked
  // <mask-password>: unset, a password written ENC(...) is decoded and any other is plain; true,
  // every password is masked; false, none is. <password-codec>: the codec that decodes them,
  // "class;name=value;..." (see util/sensitive_string_codec.hpp). Acceptor and connector
  // passwords (keyStorePassword, trustStorePassword) end up decoded in their params.
  std::optional<bool> mask_password;
  std::optional<std::string> password_codec;
  std::vector<ClusterConnectionConfig> cluster_connections;
  HaPolicyConfig ha_policy;
  std::vector<SecuritySetting> security_settings;
  std::vector<ResourceLimitSetting> resource_limits;
  std::vector<AddressSetting> address_settings;
  std::vector<AddressConfig> addresses;
  WildcardConfig wildcards;
  CriticalAnalyzerConfig critical_analyzer;

  const TransportConfig* find_connector(std::string_view name) const;
  const TransportConfig* find_acceptor(std::string_view name) const;
};

std::ostream& operator<<(std::ostream& os, const BrokerConfig& c);
std::ostream& operator<<(std::ostream& os, const TransportConfig& t);

// The URL a client command uses when --url is not given (cli.md §4.1): the acceptor named
// `acceptor_name`, else the connector of that name; a wildcard host (0.0.0.0, ::) becomes
// localhost. Result "tcp://host:port"; nullopt when neither exists.
std::optional<std::string> client_url_for(const BrokerConfig& c, std::string_view acceptor_name);

// global-max-size in bytes: as configured, or global_max_size_percent of `memory` when -1.
std::int64_t effective_global_max_size(const BrokerConfig& c, std::uint64_t memory);

}  // namespace artemis::config
