#pragma once
// Address settings resolved for one address: every <address-setting> block whose `match`
// matches the address is merged, most specific first (match::compare_precedence): an element
// set by a more specific block wins, unset elements fall through to less specific blocks and
// finally to Artemis's built-in (code) defaults below. Note that `artemis create` writes its
// own values into the catch-all `#` block (e.g. auto-delete false, DLQ, ExpiryQueue); those
// come from broker.xml, not from here.
//
// Broker thread only (the resolve cache is not synchronised).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/broker_config.hpp"
#include "match/address_match.hpp"

namespace artemis::core {

struct ResolvedAddressSettings {
  std::optional<std::string> dead_letter_address;  // none: dead-lettered messages are dropped
  std::optional<std::string> expiry_address;       // none: expired messages are dropped
  std::int64_t expiry_delay = -1;                  // ms, applied to messages with expiration 0
  std::int64_t redelivery_delay = 0;               // ms
  double redelivery_delay_multiplier = 1.0;
  std::int64_t max_redelivery_delay = 0;  // ms; when unset anywhere: redelivery_delay * 10
  int max_delivery_attempts = 10;         // -1 = infinite
  std::int64_t max_size_bytes = -1;       // -1 = only the global limits apply
  std::int64_t max_size_messages = -1;
  std::int64_t page_size_bytes = 10 * 1024 * 1024;
  config::AddressFullPolicy address_full_policy = config::AddressFullPolicy::page;
  int message_counter_history_day_limit = 0;
  bool auto_create_queues = true;
  bool auto_create_addresses = true;
  bool auto_delete_queues = true;     // code default; `artemis create` writes false for '#'
  bool auto_delete_addresses = true;  // idem
  std::int64_t auto_delete_queues_delay = 0;
  std::int64_t auto_delete_queues_message_count = 0;  // -1: any count
  bool auto_delete_queues_skip_usage_check = false;
  std::int64_t auto_delete_addresses_delay = 0;
  bool auto_delete_addresses_skip_usage_check = false;
  bool auto_create_dead_letter_resources = false;
  bool auto_create_expiry_resources = false;
  config::RoutingType default_address_routing_type = config::RoutingType::multicast;
  config::RoutingType default_queue_routing_type = config::RoutingType::multicast;
  bool send_to_dla_on_no_route = false;
  std::int64_t default_consumer_window_size = 1024 * 1024;
  int id_cache_size = 20000;  // when unset: the global <id-cache-size>
  std::int64_t max_read_page_bytes = 20 * 1024 * 1024;
  std::int64_t max_read_page_messages = -1;
  std::optional<std::int64_t> page_limit_bytes;     // unset: paging is not capped
  std::optional<std::int64_t> page_limit_messages;  // unset: paging is not capped
  // What applies past a page limit; unset: the limits are not applied (as Artemis, which warns).
  std::optional<config::PageFullPolicy> page_full_policy;

  // The matches that contributed, most specific first (for logs and management views).
  std::vector<std::string> matched;
};

class AddressSettingsRepository {
 public:
  // `global_id_cache_size` is <core><id-cache-size>, inherited by blocks that do not set it.
  AddressSettingsRepository(const std::vector<config::AddressSetting>& settings,
                            match::Wildcards wildcards, int global_id_cache_size = 20000);

  // The merged settings for `address`. The reference stays valid for the repository's
  // lifetime (results are shared between addresses that match the same blocks).
  const ResolvedAddressSettings& resolve(std::string_view address);

  // Built-in defaults, i.e. what an address matching no block gets.
  const ResolvedAddressSettings& defaults() const { return *defaults_; }

 private:
  static constexpr std::size_t kMaxCachedAddresses = 10'000;

  std::vector<config::AddressSetting> settings_;  // sorted most specific first
  std::vector<std::string> matches_;              // settings_[i].match
  match::Wildcards wildcards_;
  int global_id_cache_size_;
  std::unique_ptr<ResolvedAddressSettings> defaults_;
  // key: indices of the matching blocks, e.g. "0,3," -> merged result (bounded by the number of
  // distinct combinations, which the configuration fixes).
  std::map<std::string, std::unique_ptr<ResolvedAddressSettings>> merged_;
  // address -> entry of merged_; cleared when it reaches kMaxCachedAddresses.
  std::unordered_map<std::string, const ResolvedAddressSettings*> by_address_;
};

}  // namespace artemis::core
