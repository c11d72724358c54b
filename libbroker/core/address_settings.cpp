// Merging of <address-setting> blocks. Blocks are sorted most specific first once; resolving an
// address collects the indices of the blocks that match it, and each distinct set of indices is
// merged once and kept, so the reference handed out stays valid.
#include "core/address_settings.hpp"

#include <algorithm>

namespace artemis::core {
namespace {

// Takes `field` from the first (most specific) block that sets it.
template <class T, class F>
void take(T& out, const std::vector<const config::AddressSetting*>& blocks, F field) {
  for (const auto* b : blocks) {
    if (const auto& v = b->*field) {
      out = *v;
      return;
    }
  }
}

// An explicitly empty <dead-letter-address/> or <expiry-address/> unsets the address.
void take_address(std::optional<std::string>& out,
                  const std::vector<const config::AddressSetting*>& blocks,
                  std::optional<std::string> config::AddressSetting::*field) {
  for (const auto* b : blocks) {
    if (const auto& v = b->*field) {
      if (!v->empty()) out = *v;
      return;
    }
  }
}

ResolvedAddressSettings merge(const std::vector<const config::AddressSetting*>& blocks,
                              int global_id_cache_size) {
  using S = config::AddressSetting;
  ResolvedAddressSettings r;
  r.id_cache_size = global_id_cache_size;
  take_address(r.dead_letter_address, blocks, &S::dead_letter_address);
  take_address(r.expiry_address, blocks, &S::expiry_address);
  take(r.expiry_delay, blocks, &S::expiry_delay);
  take(r.redelivery_delay, blocks, &S::redelivery_delay);
  take(r.redelivery_delay_multiplier, blocks, &S::redelivery_delay_multiplier);
  r.max_redelivery_delay = r.redelivery_delay * 10;
  take(r.max_redelivery_delay, blocks, &S::max_redelivery_delay);
  take(r.max_delivery_attempts, blocks, &S::max_delivery_attempts);
  take(r.max_size_bytes, blocks, &S::max_size_bytes);
  take(r.max_size_messages, blocks, &S::max_size_messages);
  take(r.page_size_bytes, blocks, &S::page_size_bytes);
  take(r.address_full_policy, blocks, &S::address_full_policy);
  take(r.message_counter_history_day_limit, blocks, &S::message_counter_history_day_limit);
  take(r.auto_create_queues, blocks, &S::auto_create_queues);
  take(r.auto_create_addresses, blocks, &S::auto_create_addresses);
  take(r.auto_delete_queues, blocks, &S::auto_delete_queues);
  take(r.auto_delete_addresses, blocks, &S::auto_delete_addresses);
  take(r.auto_delete_queues_delay, blocks, &S::auto_delete_queues_delay);
  take(r.auto_delete_queues_message_count, blocks, &S::auto_delete_queues_message_count);
  take(r.auto_delete_queues_skip_usage_check, blocks, &S::auto_delete_queues_skip_usage_check);
  take(r.auto_delete_addresses_delay, blocks, &S::auto_delete_addresses_delay);
  take(r.auto_delete_addresses_skip_usage_check, blocks,
       &S::auto_delete_addresses_skip_usage_check);
  take(r.auto_create_dead_letter_resources, blocks, &S::auto_create_dead_letter_resources);
  take(r.auto_create_expiry_resources, blocks, &S::auto_create_expiry_resources);
  take(r.default_address_routing_type, blocks, &S::default_address_routing_type);
  take(r.default_queue_routing_type, blocks, &S::default_queue_routing_type);
  take(r.send_to_dla_on_no_route, blocks, &S::send_to_dla_on_no_route);
  take(r.default_consumer_window_size, blocks, &S::default_consumer_window_size);
  take(r.id_cache_size, blocks, &S::id_cache_size);
  take(r.max_read_page_bytes, blocks, &S::max_read_page_bytes);
  take(r.max_read_page_messages, blocks, &S::max_read_page_messages);
  for (const auto* b : blocks) {
    if (b->page_limit_bytes) {
      r.page_limit_bytes = b->page_limit_bytes;
      break;
    }
  }
  for (const auto* b : blocks) {
    if (b->page_limit_messages) {
      r.page_limit_messages = b->page_limit_messages;
      break;
    }
  }
  for (const auto* b : blocks) {
    if (b->page_full_policy) {
      r.page_full_policy = b->page_full_policy;
      break;
    }
  }
  for (const auto* b : blocks) r.matched.push_back(b->match);
  return r;
}

}  // namespace

AddressSettingsRepository::AddressSettingsRepository(
    const std::vector<config::AddressSetting>& settings, match::Wildcards wildcards,
    int global_id_cache_size)
    : settings_(settings),
      wildcards_(wildcards),
      global_id_cache_size_(global_id_cache_size),
      defaults_(std::make_unique<ResolvedAddressSettings>(merge({}, global_id_cache_size))) {
  // Most specific first; for two blocks with the same match (a mistake the loader warns
  // about) the later one wins, as it would in a map keyed by match.
  std::stable_sort(settings_.begin(), settings_.end(),
                   [this](const config::AddressSetting& a, const config::AddressSetting& b) {
                     return match::compare_precedence(a.match, b.match, wildcards_) < 0;
                   });
  std::vector<config::AddressSetting> unique;
  for (auto& s : settings_) {
    auto same = std::find_if(unique.begin(), unique.end(),
                             [&](const config::AddressSetting& u) { return u.match == s.match; });
    if (same != unique.end()) *same = s;
    else unique.push_back(s);
  }
  settings_ = std::move(unique);
  for (const auto& s : settings_) matches_.push_back(s.match);
}

const ResolvedAddressSettings& AddressSettingsRepository::resolve(std::string_view address) {
  if (auto it = by_address_.find(std::string(address)); it != by_address_.end())
    return *it->second;

  std::vector<const config::AddressSetting*> blocks;
  std::string key;
  for (std::size_t i = 0; i < settings_.size(); ++i) {
    if (!match::matches(matches_[i], address, wildcards_)) continue;
    blocks.push_back(&settings_[i]);
    key += std::to_string(i);
    key += ',';
  }
  const ResolvedAddressSettings* result = defaults_.get();
  if (!blocks.empty()) {
    auto& slot = merged_[key];
    if (!slot) slot = std::make_unique<ResolvedAddressSettings>(merge(blocks, global_id_cache_size_));
    result = slot.get();
  }
  if (by_address_.size() >= kMaxCachedAddresses) by_address_.clear();
  by_address_.emplace(std::string(address), result);
  return *result;
}

}  // namespace artemis::core
