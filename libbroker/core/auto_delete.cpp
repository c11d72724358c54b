#include "core/auto_delete.hpp"

#include <string>
#include <vector>

#include "core/log_codes.hpp"
#include "core/post_office.hpp"

namespace artemis::core {
namespace {

bool queue_eligible(const Queue& q, const ResolvedAddressSettings& s, std::int64_t now,
                    bool initial) {
  const auto& def = q.definition();
  if (!def.auto_created || def.temporary || !s.auto_delete_queues) return false;
  if (q.consumer_count() != 0) return false;
  const auto limit = s.auto_delete_queues_message_count;
  const auto count = static_cast<std::int64_t>(q.message_count());
  if (initial) return count == 0;  // leftovers go only when empty
  if (limit != -1 && count > limit) return false;
  if (!q.used() && !s.auto_delete_queues_skip_usage_check) return false;
  const auto since = q.consumer_removed_ms() >= 0 ? q.consumer_removed_ms() : q.created_ms();
  return now - since >= s.auto_delete_queues_delay;
}

bool address_eligible(const Address& a, const ResolvedAddressSettings& s, std::int64_t now,
                      bool initial) {
  if (!a.auto_created || !a.queues.empty() || !s.auto_delete_addresses) return false;
  if (initial) return true;
  if (s.auto_delete_addresses_skip_usage_check)
    return now - a.created_ms >= s.auto_delete_addresses_delay;
  return a.binding_removed_ms >= 0 && now - a.binding_removed_ms >= s.auto_delete_addresses_delay;
}

}  // namespace

AutoDeleter::AutoDeleter(PostOffice& post_office, util::Scheduler& scheduler,
                         const util::Logger& log, std::int64_t scan_period_ms)
    : post_office_(post_office), scheduler_(scheduler), log_(log), period_ms_(scan_period_ms) {}

AutoDeleter::~AutoDeleter() {
  *alive_ = false;
  stop();
}

void AutoDeleter::start() {
  sweep(Pass::initial);
  arm();
}

void AutoDeleter::stop() {
  if (timer_ != 0) scheduler_.cancel(timer_);
  timer_ = 0;
}

void AutoDeleter::arm() {
  if (period_ms_ <= 0) return;
  timer_ = scheduler_.schedule_after(std::chrono::milliseconds(period_ms_), [this, alive = alive_] {
    if (!*alive) return;
    timer_ = 0;
    scan();
    arm();
  });
}

void AutoDeleter::scan() {
  sweep(Pass::periodic);
}

void AutoDeleter::sweep(Pass pass) {
  const bool initial = pass == Pass::initial;
  const auto now = scheduler_.now_ms();
  // Decide first, delete afterwards: deleting changes the maps being walked.
  std::vector<std::string> queues;
  std::set<std::uint64_t> still_queues;
  for (const Queue* q : post_office_.queues()) {
    if (!queue_eligible(*q, post_office_.settings_for(q->address()), now, initial)) continue;
    if (initial || swept_queues_.count(q->id()))
      queues.push_back(q->name());
    else
      still_queues.insert(q->id());
  }
  swept_queues_ = std::move(still_queues);
  for (const auto& name : queues) {
    const Queue* q = post_office_.find_queue(name);
    log_.log(log_codes::auto_remove_queue, name, q->id(), q->address());
    post_office_.delete_queue(name);
  }

  // After the queues, so an address emptied just now is seen without its queue (it still
  // needs its own two scans unless this is the start-up check).
  std::vector<std::string> addresses;
  std::set<std::uint64_t> still_addresses;
  for (const auto& [name, a] : post_office_.addresses()) {
    if (name == post_office_.management_address()) continue;
    if (!address_eligible(a, post_office_.settings_for(name), now, initial)) continue;
    if (initial || swept_addresses_.count(a.id))
      addresses.push_back(name);
    else
      still_addresses.insert(a.id);
  }
  swept_addresses_ = std::move(still_addresses);
  for (const auto& name : addresses) {
    log_.log(log_codes::auto_remove_address, name);
    post_office_.delete_address(name);
  }
}

}  // namespace artemis::core
