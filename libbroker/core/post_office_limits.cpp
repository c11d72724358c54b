// PostOffice memory limits (reference §5.9): the weight of the messages held in memory, per
// address and for the whole broker, and what the address-full-policy does when it is too much.
#include <fmt/core.h>

#include "core/log_codes.hpp"
#include "core/post_office.hpp"

namespace artemis::core {

using config::AddressFullPolicy;

void PostOffice::hold(Message& m) {
  if (m.memory_refs++ == 0)
    account(m.record.address, static_cast<std::int64_t>(m.memory_size()), 1);
}

void PostOffice::release(Message& m) {
  if (--m.memory_refs == 0)
    account(m.record.address, -static_cast<std::int64_t>(m.memory_size()), -1);
}

void PostOffice::account(const std::string& address, std::int64_t bytes, std::int64_t messages) {
  global_use_.bytes += bytes;
  global_use_.messages += messages;
  if (Address* a = find_address(address)) {
    a->size_bytes += bytes;
    a->size_messages += messages;
  }
  if (bytes < 0 && !full_episodes_.empty()) release_limited();
}

bool PostOffice::over_limit(const std::string& address, const ResolvedAddressSettings& s) {
  if (global_max_size_ > 0 && global_use_.bytes >= global_max_size_) return true;
  if (config_.global_max_messages > 0 && global_use_.messages >= config_.global_max_messages)
    return true;
  // -1: no limit of the address's own; 0: always full (an address that always pages).
  if (s.max_size_bytes < 0 && s.max_size_messages < 0) return false;
  const Address* a = find_address(address);
  if (a == nullptr) return false;
  return (s.max_size_bytes >= 0 && a->size_bytes >= s.max_size_bytes) ||
         (s.max_size_messages >= 0 && a->size_messages >= s.max_size_messages);
}

std::string PostOffice::limits_text(const std::string& address) {
  const Address* a = find_address(address);
  const auto& s = settings_for(address);
  return fmt::format(
      "size={} bytes ({} messages); maxSize={} bytes ({} messages); globalSize={} bytes ({} "
      "messages); globalMaxSize={} bytes ({} messages);",
      a != nullptr ? a->size_bytes : 0, a != nullptr ? a->size_messages : 0, s.max_size_bytes,
      s.max_size_messages, global_use_.bytes, global_use_.messages, global_max_size_,
      config_.global_max_messages);
}

bool PostOffice::page_full(const std::string& address, const ResolvedAddressSettings& s) {
  const PagingStore* ps = find_paging(address);
  if (ps == nullptr || !ps->paging()) return false;
  const auto c = ps->counters();
  // page-limit-bytes counts whole pages, as Artemis converts it (limit / page-size-bytes).
  if (s.page_limit_bytes && *s.page_limit_bytes >= 0 && s.page_size_bytes > 0 &&
      static_cast<std::int64_t>(c.pages) >= *s.page_limit_bytes / s.page_size_bytes)
    return true;
  return s.page_limit_messages && *s.page_limit_messages >= 0 &&
         static_cast<std::int64_t>(c.paged_messages) >= *s.page_limit_messages;
}

bool PostOffice::blocked(const std::string& address) {
  if (disk_full_) {
    if (disk_full_logged_.insert(address).second) log_.log(log_codes::disk_full_blocking, address);
    return true;
  }
  const auto& s = settings_for(address);
  const auto policy = s.address_full_policy;
  if (policy == AddressFullPolicy::page && paging_enabled()) {
    // Paging takes what memory cannot; producers wait only for the page writes.
    const PagingStore* ps = find_paging(address);
    return ps != nullptr && ps->backlogged();
  }
  if (policy != AddressFullPolicy::block && policy != AddressFullPolicy::page) return false;
  if (!over_limit(address, s)) return false;
  if (full_episodes_.try_emplace(address, policy).second)
    log_.log(log_codes::address_full_blocking, address, limits_text(address));
  return true;
}

PostOffice::Admission PostOffice::admit(const std::string& address) {
  const auto& s = settings_for(address);
  const auto policy = s.address_full_policy;
  bool fail = false;
  if (policy == AddressFullPolicy::page && s.page_full_policy && page_full(address, s)) {
    fail = *s.page_full_policy == config::PageFullPolicy::fail;
  } else {
    if (policy != AddressFullPolicy::fail && policy != AddressFullPolicy::drop)
      return Admission::accept;
    if (!over_limit(address, s)) return Admission::accept;
    fail = policy == AddressFullPolicy::fail;
  }
  if (fail) return Admission::fail;
  if (Address* a = find_address(address)) ++a->dropped_messages;
  if (full_episodes_.try_emplace(address, AddressFullPolicy::drop).second)
    log_.log(log_codes::address_full_dropping, address, limits_text(address));
  return Admission::drop;
}

void PostOffice::release_limited() {
  std::vector<std::function<void()>> ready;
  for (auto it = full_episodes_.begin(); it != full_episodes_.end();) {
    if (over_limit(it->first, settings_for(it->first))) {
      ++it;
      continue;
    }
    if (it->second != AddressFullPolicy::drop)
      log_.log(log_codes::address_unblocked, it->first, limits_text(it->first));
    // With the disk full the waiters stay: set_disk_full(false) runs them.
    if (auto w = unblock_waiters_.find(it->first); w != unblock_waiters_.end() && !disk_full_) {
      for (auto& fn : w->second) ready.push_back(std::move(fn));
      unblock_waiters_.erase(w);
    }
    it = full_episodes_.erase(it);
  }
  // Last: a waiter may send, and so come back here.
  for (auto& fn : ready) fn();
}

void PostOffice::set_disk_full(bool full) {
  if (full == disk_full_) return;
  disk_full_ = full;
  if (full) return;
  disk_full_logged_.clear();
  std::vector<std::function<void()>> ready;
  for (auto it = unblock_waiters_.begin(); it != unblock_waiters_.end();) {
    if (blocked(it->first)) {
      ++it;  // still full: release_limited() runs these
      continue;
    }
    for (auto& fn : it->second) ready.push_back(std::move(fn));
    it = unblock_waiters_.erase(it);
  }
  for (auto& fn : ready) fn();
}

void PostOffice::when_unblocked(const std::string& address, std::function<void()> fn) {
  if (!blocked(address)) {
    fn();
    return;
  }
  unblock_waiters_[address].push_back(std::move(fn));
}

}  // namespace artemis::core
