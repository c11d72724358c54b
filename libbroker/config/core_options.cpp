// The scalar elements of <core>: one table row per option (broker.xml name, what it means, how it
// is read and bounded). Defaults live in the struct initialisers of broker_config.hpp; defaults
// that depend on another option (journal buffer timeout, max-io) are filled in by loader.cpp.
#include <fmt/core.h>

#include <array>

#include "config/parse_context.hpp"

namespace artemis::config {
namespace {

using Reader = void (*)(ParseContext&, pugi::xml_node, BrokerConfig&);
struct CoreOption {
  std::string_view element;
  std::string_view doc;
  Reader read;
};
using P = ParseContext;
using N = pugi::xml_node;
using C = BrokerConfig;

void path(P& p, N n, std::filesystem::path& dst) {
  if (auto v = p.text(n)) {
    if (v->empty()) {
      p.error(n, errc::missing_required, fmt::format("{}: empty path (e.g. data/journal)", tag(n)));
      return;
    }
    dst = *v;
  }
}

constexpr Bounds percent{0, 100};
constexpr Bounds disk_percent{-1, 100};
constexpr Bounds positive_percent{1, 100};
constexpr Bounds at_least_two{2, std::numeric_limits<std::int32_t>::max()};
constexpr Bounds minus_one_or_positive{1, std::numeric_limits<std::int64_t>::max(), true};
constexpr Bounds min_journal_file{1024};
constexpr Bounds int32_positive{1, std::numeric_limits<std::int32_t>::max()};

const std::array kCoreOptions{
    CoreOption{"name", "node name, shown in logs and topology",
               [](P& p, N n, C& c) { set(c.name, p.text(n)); }},
    CoreOption{"persistence-enabled",
               "false keeps everything in memory (no journal, no shared-store HA)",
               [](P& p, N n, C& c) { set(c.persistence_enabled, p.boolean(n)); }},
    CoreOption{"security-enabled", "check users and permissions",
               [](P& p, N n, C& c) { set(c.security_enabled, p.boolean(n)); }},
    CoreOption{"paging-directory", "page files (relative to the instance dir)",
               [](P& p, N n, C& c) { path(p, n, c.paging_directory); }},
    CoreOption{"bindings-directory", "bindings journal",
               [](P& p, N n, C& c) { path(p, n, c.bindings_directory); }},
    CoreOption{"journal-directory", "message journal",
               [](P& p, N n, C& c) { path(p, n, c.journal_directory); }},
    CoreOption{"large-messages-directory", "large message bodies",
               [](P& p, N n, C& c) { path(p, n, c.large_messages_directory); }},
    CoreOption{"node-manager-lock-directory",
               "server.lock for shared-store HA (default: journal dir)",
               [](P& p, N n, C& c) { path(p, n, c.node_manager_lock_directory); }},
    CoreOption{"journal-type", "ASYNCIO, NIO or MAPPED",
               [](P& p, N n, C& c) {
                 set(c.journal.type, p.choice<JournalType>(n, {{"ASYNCIO", JournalType::asyncio},
                                                              {"NIO", JournalType::nio},
                                                              {"MAPPED", JournalType::mapped}}));
               }},
    CoreOption{"journal-datasync", "fdatasync journal writes",
               [](P& p, N n, C& c) { set(c.journal.datasync, p.boolean(n)); }},
    CoreOption{"journal-file-size", "size of each journal file (e.g. 10M)",
               [](P& p, N n, C& c) { set(c.journal.file_size, p.byte_size(n, min_journal_file)); }},
    CoreOption{"journal-min-files", "journal files created at start",
               [](P& p, N n, C& c) { set(c.journal.min_files, p.int32(n, at_least_two)); }},
    CoreOption{"journal-pool-files", "reusable files kept (-1 = keep all)",
               [](P& p, N n, C& c) { set(c.journal.pool_files, p.int32(n, minus_one_or_more)); }},
    CoreOption{"journal-compact-min-files", "files before compaction is considered (0 = never)",
               [](P& p, N n, C& c) { set(c.journal.compact_min_files, p.int32(n, non_negative)); }},
    CoreOption{"journal-compact-percentage", "live-data ratio below which to compact",
               [](P& p, N n, C& c) { set(c.journal.compact_percentage, p.int32(n, percent)); }},
    CoreOption{"journal-buffer-size", "write buffer (e.g. 490K)",
               [](P& p, N n, C& c) { set(c.journal.buffer_size, p.byte_size(n, positive)); }},
    CoreOption{
        "journal-buffer-timeout", "group-commit flush interval in nanoseconds",
        [](P& p, N n, C& c) { set(c.journal.buffer_timeout_ns, p.integer(n, non_negative)); }},
    CoreOption{"journal-max-io", "writes in flight (ASYNCIO)",
               [](P& p, N n, C& c) { set(c.journal.max_io, p.int32(n, positive)); }},
    CoreOption{
        "journal-device-block-size", "alignment of direct I/O",
        [](P& p, N n, C& c) { set(c.journal.device_block_size, p.byte_size(n, int32_positive)); }},
    CoreOption{"journal-sync-transactional", "sync commit/prepare/rollback",
               [](P& p, N n, C& c) { set(c.journal.sync_transactional, p.boolean(n)); }},
    CoreOption{"journal-sync-non-transactional", "sync non-transactional sends and acks",
               [](P& p, N n, C& c) { set(c.journal.sync_non_transactional, p.boolean(n)); }},
    CoreOption{"journal-lock-acquisition-timeout", "ms to wait for the store lock (-1 = forever)",
               [](P& p, N n, C& c) {
                 set(c.journal.lock_acquisition_timeout_ms, p.integer(n, minus_one_or_more));
               }},
    CoreOption{
        "page-sync-timeout", "page file sync interval in nanoseconds",
        [](P& p, N n, C& c) { set(c.journal.page_sync_timeout_ns, p.integer(n, non_negative)); }},
    CoreOption{"max-redelivery-records", "delivery-count updates persisted per message",
               [](P& p, N n, C& c) { set(c.max_redelivery_records, p.int32(n, non_negative)); }},
    CoreOption{
        "global-max-size", "bytes held in memory before paging (-1 = half the memory)",
        [](P& p, N n, C& c) { set(c.global_max_size, p.byte_size(n, minus_one_or_positive)); }},
    CoreOption{
        "global-max-size-percent-of-jvm-max-memory",
        "percentage of the memory global-max-size is when it is -1 (default 50)",
        [](P& p, N n, C& c) { set(c.global_max_size_percent, p.int32(n, positive_percent)); }},
    CoreOption{
        "global-max-messages", "messages held in memory before paging (-1 = no limit)",
        [](P& p, N n, C& c) { set(c.global_max_messages, p.integer(n, minus_one_or_more)); }},
    CoreOption{"max-disk-usage", "disk use percentage that blocks producers (-1 = off)",
               [](P& p, N n, C& c) { set(c.max_disk_usage, p.int32(n, disk_percent)); }},
    CoreOption{
        "min-disk-free",
        "usable bytes at or below which producers block (e.g. 1G; -1 = off; replaces "
        "max-disk-usage)",
        [](P& p, N n, C& c) { set(c.min_disk_free, p.byte_size(n, minus_one_or_positive)); }},
    CoreOption{"disk-scan-period", "ms between disk usage checks",
               [](P& p, N n, C& c) { set(c.disk_scan_period_ms, p.integer(n, positive)); }},
    CoreOption{"message-expiry-scan-period", "ms between expiry scans (-1 = off)",
               [](P& p, N n, C& c) {
                 set(c.message_expiry_scan_period_ms, p.integer(n, minus_one_or_positive));
               }},
    CoreOption{"configuration-file-refresh-period",
               "ms between checks of broker.xml for changed security-settings and address-settings "
               "(-1 = off)",
               [](P& p, N n, C& c) {
                 set(c.configuration_file_refresh_period_ms, p.integer(n, minus_one_or_positive));
               }},
    CoreOption{"address-queue-scan-period", "ms between auto-delete scans (-1 = off)",
               [](P& p, N n, C& c) {
                 set(c.address_queue_scan_period_ms, p.integer(n, minus_one_or_positive));
               }},
    CoreOption{"id-cache-size", "duplicate-id cache entries per address",
               [](P& p, N n, C& c) { set(c.id_cache_size, p.int32(n, non_negative)); }},
    CoreOption{"persist-id-cache", "keep duplicate ids in the journal",
               [](P& p, N n, C& c) { set(c.persist_id_cache, p.boolean(n)); }},
    CoreOption{"mqtt-subscription-persistence-enabled",
               "keep MQTT sessions and their subscriptions across restarts",
               [](P& p, N n, C& c) { set(c.mqtt_subscription_persistence, p.boolean(n)); }},
    CoreOption{
        "mqtt-session-scan-interval", "ms between checks for expired MQTT sessions",
        [](P& p, N n, C& c) { set(c.mqtt_session_scan_interval_ms, p.integer(n, positive)); }},
    CoreOption{"connection-ttl-override", "ms; overrides client TTLs (-1 = off)",
               [](P& p, N n, C& c) {
                 set(c.connection_ttl_override_ms, p.integer(n, minus_one_or_positive));
               }},
    CoreOption{"transaction-timeout", "ms before an idle transaction is rolled back",
               [](P& p, N n, C& c) { set(c.transaction_timeout_ms, p.integer(n, positive)); }},
    CoreOption{"management-address", "address management messages are sent to",
               [](P& p, N n, C& c) { set(c.management_address, p.text(n)); }},
    CoreOption{"management-notification-address", "address notifications are sent to",
               [](P& p, N n, C& c) { set(c.management_notification_address, p.text(n)); }},
    CoreOption{"cluster-user", "user for cluster and backup connections",
               [](P& p, N n, C& c) { set(c.cluster_user, p.text(n)); }},
    CoreOption{"cluster-password", "password for cluster and backup connections",
               [](P& p, N n, C& c) { set(c.cluster_password, p.text(n)); }},
    CoreOption{"mask-password",
               "true: every password is masked ('artemis mask'); unset: only ENC(...) ones are",
               [](P& p, N n, C& c) { set(c.mask_password, p.boolean(n)); }},
    CoreOption{"password-codec", "decodes masked passwords: class;key=value (default codec only)",
               [](P& p, N n, C& c) { set(c.password_codec, p.text(n)); }},
    CoreOption{"critical-analyzer", "accepted; this broker has no critical analyzer",
               [](P& p, N n, C& c) { set(c.critical_analyzer.enabled, p.boolean(n)); }},
    CoreOption{
        "critical-analyzer-timeout", "accepted (ms)",
        [](P& p, N n, C& c) { set(c.critical_analyzer.timeout_ms, p.integer(n, positive)); }},
    CoreOption{
        "critical-analyzer-check-period", "accepted (ms)",
        [](P& p, N n, C& c) { set(c.critical_analyzer.check_period_ms, p.integer(n, positive)); }},
    CoreOption{"critical-analyzer-policy", "accepted: HALT, SHUTDOWN or LOG",
               [](P& p, N n, C& c) {
                 set(c.critical_analyzer.policy,
                     p.choice<std::string_view>(
                         n, {{"HALT", "HALT"}, {"SHUTDOWN", "SHUTDOWN"}, {"LOG", "LOG"}}));
               }},
    // Accepted and checked, with no effect in this broker (its design makes them moot).
    CoreOption{"purge-page-folders", "accepted; page folders are removed when empty",
               [](P& p, N n, C&) { (void)p.boolean(n); }},
    CoreOption{"large-message-sync", "accepted; large message files are always synced",
               [](P& p, N n, C&) { (void)p.boolean(n); }},
    CoreOption{"journal-file-open-timeout", "accepted (s)",
               [](P& p, N n, C&) { (void)p.integer(n, positive); }},
    CoreOption{"journal-max-attic-files", "accepted",
               [](P& p, N n, C&) { (void)p.integer(n, non_negative); }},
    CoreOption{"jmx-management-enabled", "accepted; there is no JMX",
               [](P& p, N n, C&) { (void)p.boolean(n); }},
    // A database store would put the data somewhere else entirely; running on the file journal
    // instead (possibly beside a peer that uses the database) must not happen silently.
    CoreOption{"store", "rejected: only the file journal is supported",
               [](P& p, N n, C&) {
                 p.error(n, errc::unsupported,
                         "<store> (database store) is not supported by this broker; remove it to "
                         "use the file journal in <journal-directory>");
               }},
};

}  // namespace

void parse_core_option(ParseContext& p, pugi::xml_node n, BrokerConfig& c) {
  for (const auto& o : kCoreOptions) {
    if (o.element == local_name(n)) {
      o.read(p, n, c);
      return;
    }
  }
  std::vector<std::string_view> known{
      "acceptors",         "connectors",       "cluster-connections",     "ha-policy",
      "security-settings", "address-settings", "resource-limit-settings", "addresses",
      "wildcard-addresses"};
  for (const auto& o : kCoreOptions) known.push_back(o.element);
  p.unknown_child(n, n.parent(), known);
}

}  // namespace artemis::config
