// PostOffice: addresses and queues, startup (load + deploy), and the QueueHost side (acks,
// dead-lettering, expiry). Routing is in post_office_route.cpp, auto-creation in
// post_office_create.cpp.
#include "core/post_office.hpp"

#include <fmt/core.h>

#include "core/errors.hpp"
#include "core/log_codes.hpp"
#include "util/assert.hpp"

namespace artemis::core {

std::string Address::routing_types_text() const {
  if (anycast && multicast) return "[ANYCAST, MULTICAST]";
  return anycast ? "[ANYCAST]" : (multicast ? "[MULTICAST]" : "[]");
}

namespace {

match::Wildcards to_match(const config::WildcardConfig& w) {
  return {w.delimiter, w.any_words, w.single_word};
}

std::string_view routing_name(RoutingType rt) {
  return rt == RoutingType::anycast ? "ANYCAST" : "MULTICAST";
}

}  // namespace

PostOffice::PostOffice(const config::BrokerConfig& config, store::StorageManager& storage,
                       util::Scheduler& scheduler, const util::Logger& log)
    : config_(config),
      storage_(storage),
      scheduler_(scheduler),
      log_(log),
      settings_(config.address_settings, to_match(config.wildcards), config.id_cache_size),
      wildcards_(to_match(config.wildcards)),
      auto_deleter_(*this, scheduler, log, config.address_queue_scan_period_ms),
      global_max_size_(config.global_max_size) {}

PostOffice::~PostOffice() {
  *alive_ = false;
  stop();
}

Address* PostOffice::find_address(std::string_view name) {
  auto it = addresses_.find(name);
  return it == addresses_.end() ? nullptr : &it->second;
}

Queue* PostOffice::find_queue(std::string_view name) {
  auto it = queues_.find(name);
  return it == queues_.end() ? nullptr : it->second.get();
}

std::vector<const Queue*> PostOffice::queues() const {
  std::vector<const Queue*> out;
  for (const auto& [n, q] : queues_) out.push_back(q.get());
  return out;
}

void PostOffice::update_address_settings(const std::vector<config::AddressSetting>& settings) {
  // Resolved settings are only held for the length of one call, so swapping is safe here.
  settings_ = AddressSettingsRepository(settings, to_match(config_.wildcards), config_.id_cache_size);
}

const ResolvedAddressSettings& PostOffice::settings_for(const std::string& address) {
  return settings_.resolve(address);
}

std::error_code PostOffice::create_address(const std::string& name, RoutingType rt,
                                           bool auto_created) {
  if (name.empty() || name.find("::") != std::string::npos) return errc::invalid_name;
  auto it = addresses_.find(name);
  if (it != addresses_.end()) {
    Address& a = it->second;
    if (a.supports(rt)) return {};
    (rt == RoutingType::anycast ? a.anycast : a.multicast) = true;
    storage_.update_address({a.id, a.name, a.anycast, a.multicast, a.auto_created});
    return {};
  }
  Address a;
  a.id = storage_.next_id();
  a.name = name;
  a.anycast = rt == RoutingType::anycast;
  a.multicast = rt == RoutingType::multicast;
  a.auto_created = auto_created;
  a.created_ms = scheduler_.now_ms();
  storage_.add_address({a.id, a.name, a.anycast, a.multicast, a.auto_created});
  if (match::has_wildcards(name, wildcards_) && config_.wildcards.routing_enabled)
    wildcard_addresses_.insert(name);
  addresses_.emplace(name, std::move(a));
  return {};
}

std::error_code PostOffice::create_queue(QueueDefinition def, Queue** out) {
  if (def.name.empty() || def.name.find("::") != std::string::npos) return errc::invalid_name;
  if (queues_.count(def.name)) return errc::queue_exists;
  Address* a = find_address(def.address);
  if (a == nullptr) return errc::address_not_found;
  if (!a->supports(def.routing_type)) return errc::illegal_routing_type;
  def.id = storage_.next_id();
  if (def.durable && !def.temporary) storage_.add_queue(queue_record(def));
  a->queues.push_back(def.name);
  auto q = std::make_unique<Queue>(std::move(def), *this);
  Queue* raw = q.get();
  queues_.emplace(raw->name(), std::move(q));
  queues_by_id_.emplace(raw->id(), raw);
  if (out != nullptr) *out = raw;
  return {};
}

std::error_code PostOffice::delete_queue(const std::string& name) {
  auto it = queues_.find(name);
  if (it == queues_.end()) return errc::queue_not_found;
  Queue& q = *it->second;
  BROKER_ASSERT(q.consumer_count() == 0, "deleting queue {} with {} consumers", name,
                q.consumer_count());
  q.purge();
  if (q.durable() && !q.definition().temporary) storage_.delete_queue(q.id());
  if (Address* a = find_address(q.address())) {
    std::erase(a->queues, name);
    a->binding_removed_ms = scheduler_.now_ms();
  }
  const auto id = q.id();
  queues_by_id_.erase(id);
  queues_.erase(it);
  for (auto& [address, ps] : paging_) ps->queue_deleted(id);
  return {};
}

std::error_code PostOffice::delete_address(const std::string& name) {
  auto it = addresses_.find(name);
  if (it == addresses_.end()) return errc::address_not_found;
  if (!it->second.queues.empty()) return errc::address_has_queues;
  storage_.delete_address(it->second.id);
  wildcard_addresses_.erase(name);
  unblock_waiters_.erase(name);
  addresses_.erase(it);
  return {};
}

Queue* PostOffice::restore_queue(const store::QueueRecord& r) {
  QueueDefinition def;
  def.id = r.id;
  def.name = r.name;
  def.address = r.address;
  def.routing_type = *to_core(r.routing_type);
  if (r.filter) {
    std::string error;
    def.filter = Filter::parse(*r.filter, error);
    if (!def.filter)
      log_.plain(util::Level::warn, log_codes::server_logger,
                 "queue {}: stored filter does not parse ({}); queue loaded without it", r.name,
                 error);
  }
  def.auto_created = r.auto_created;
  def.purge_on_no_consumers = r.purge_on_no_consumers;
  def.max_consumers = r.max_consumers;
  def.user = r.user;
  def.persisted_pause = r.paused;
  Address* a = find_address(r.address);
  if (a == nullptr) {
    // Queue record without its address record (older data): recreate the address in memory.
    Address na;
    na.id = storage_.next_id();
    na.name = r.address;
    na.created_ms = scheduler_.now_ms();
    addresses_.emplace(r.address, std::move(na));
    a = find_address(r.address);
    storage_.add_address({a->id, a->name, false, false, false});
  }
  if (!a->supports(def.routing_type)) {
    (def.routing_type == RoutingType::anycast ? a->anycast : a->multicast) = true;
    storage_.update_address({a->id, a->name, a->anycast, a->multicast, a->auto_created});
  }
  a->queues.push_back(def.name);
  auto q = std::make_unique<Queue>(std::move(def), *this);
  Queue* raw = q.get();
  queues_.emplace(raw->name(), std::move(q));
  queues_by_id_.emplace(raw->id(), raw);
  if (raw->definition().persisted_pause) raw->pause(true);
  return raw;
}

void PostOffice::load(store::LoadedState& state) {
  for (const auto& r : state.addresses) {
    Address a;
    a.id = r.id;
    a.name = r.name;
    a.anycast = r.anycast;
    a.multicast = r.multicast;
    a.auto_created = r.auto_created;
    a.created_ms = scheduler_.now_ms();
    if (match::has_wildcards(a.name, wildcards_) && config_.wildcards.routing_enabled)
      wildcard_addresses_.insert(a.name);
    addresses_.emplace(a.name, std::move(a));
  }
  std::unordered_map<std::uint64_t, Queue*> by_id;
  for (const auto& r : state.queues) {
    if (queues_.count(r.name)) continue;  // duplicate binding record: first one wins
    by_id[r.id] = restore_queue(r);
  }
  std::set<std::uint64_t> large_named;  // body files a record names
  std::set<std::uint64_t> missing_queues;
  for (auto& lm : state.messages) {
    auto m = make_message();
    m->record = std::move(lm.message);
    if (!restore_large_body(*m)) lm.refs.clear();  // dropped: its record goes below
    if (m->large) large_named.insert(m->id());
    std::vector<std::pair<Queue*, std::uint32_t>> targets;
    for (const auto& ref : lm.refs) {
      auto it = by_id.find(ref.queue_id);
      if (it == by_id.end()) {
        // The queue was deleted after the ref was written; drop the ref. Said once per queue,
        // as Artemis does: it is also what a lost queue record would look like.
        if (missing_queues.insert(ref.queue_id).second)
          log_.log(log_codes::message_for_missing_queue, ref.queue_id);
        storage_.ack(m->id(), ref.queue_id, false);
        continue;
      }
      targets.emplace_back(it->second, ref.delivery_count);
    }
    m->durable_refs = static_cast<int>(targets.size());
    if (targets.empty()) {
      storage_.ack(m->id(), 0, true);
      keep_large_body(*m, false);
      continue;
    }
    for (auto& [q, count] : targets) {
      hold(*m);
      MessageRef ref{m, count};
      q->add(std::move(ref));
    }
  }
  load_paging(state);
  for (const auto& [address, ps] : paging_) ps->large_messages(large_named);
  load_large_messages(large_named);
  for (const auto& d : state.duplicate_ids) {
    auto& cache = duplicates_.try_emplace(d.address, settings_for(d.address).id_cache_size)
                      .first->second;
    if (const auto evicted = cache.add(d.duplicate_id, d.id)) storage_.delete_duplicate_id(evicted);
  }
}

void PostOffice::deploy(const std::vector<config::AddressConfig>& addresses) {
  for (const auto& ac : addresses) {
    const bool existed = find_address(ac.name) != nullptr;
    if (ac.anycast) create_address(ac.name, RoutingType::anycast, false);
    if (ac.multicast) create_address(ac.name, RoutingType::multicast, false);
    if (!ac.anycast && !ac.multicast && !existed) create_address(ac.name, RoutingType::multicast, false);
    if (Address* a = find_address(ac.name)) {
      a->auto_created = false;  // listed in broker.xml: never auto-deleted
      log_.log(log_codes::deploy_address, a->name, a->routing_types_text());
    }
    for (const auto& qc : ac.queues) {
      if (Queue* existing = find_queue(qc.name)) {
        if (existing->address() == ac.name) {
          existing->mark_configured();
          log_.log(log_codes::deploy_queue, routing_name(existing->routing_type()), qc.name, ac.name);
          continue;
        }
      }
      QueueDefinition def;
      def.name = qc.name;
      def.address = ac.name;
      def.routing_type = qc.routing_type;
      def.durable = qc.durable;
      def.max_consumers = qc.max_consumers;
      def.purge_on_no_consumers = qc.purge_on_no_consumers;
      def.user = qc.user.value_or("");
      if (qc.filter && !qc.filter->empty()) {
        std::string error;
        def.filter = Filter::parse(*qc.filter, error);
        if (!def.filter) {
          log_.plain(util::Level::error, log_codes::server_logger,
                     "{}:{}: queue {}: filter does not parse: {}", config_.source.string(),
                     qc.line, qc.name, error);
          continue;
        }
      }
      create_address(ac.name, qc.routing_type, false);
      if (auto ec = create_queue(std::move(def))) {
        log_.plain(util::Level::error, log_codes::server_logger, "{}:{}: queue {}: {}",
                   config_.source.string(), qc.line, qc.name, ec.message());
        continue;
      }
      log_.log(log_codes::deploy_queue, routing_name(qc.routing_type), qc.name, ac.name);
    }
  }
}

void PostOffice::start() {
  stopped_ = false;
  auto_deleter_.start();
  const auto period = config_.message_expiry_scan_period_ms;
  if (period <= 0) return;
  reaper_ = scheduler_.schedule_after(std::chrono::milliseconds(period), [this] { reap(); });
}

void PostOffice::reap() {
  reaper_ = 0;
  if (stopped_) return;
  std::vector<Queue*> all;
  for (auto& [n, q] : queues_) all.push_back(q.get());
  for (Queue* q : all) q->expire_scan();
  reaper_ = scheduler_.schedule_after(
      std::chrono::milliseconds(config_.message_expiry_scan_period_ms), [this] { reap(); });
}

void PostOffice::stop() {
  stopped_ = true;
  auto_deleter_.stop();
  if (reaper_ != 0) scheduler_.cancel(reaper_);
  reaper_ = 0;
}

void PostOffice::removed(Queue& queue, const MessageRef& ref) {
  removed_from(queue.id(), queue.durable() && !queue.definition().temporary, ref);
}

void PostOffice::removed_from(std::uint64_t queue_id, bool durable_ref, const MessageRef& ref) {
  Message& m = *ref.message;
  if (ref.page.paged()) {
    // Read back from a page: neither held in memory's account nor in the journal.
    if (PagingStore* ps = find_paging(m.record.address)) ps->acked(queue_id, ref);
    return;
  }
  release(m);
  if (m.durable() && durable_ref && m.durable_refs > 0) drop_durable_ref(m, queue_id);
}

void PostOffice::delivery_count_changed(Queue& queue, const MessageRef& ref) {
  const Message& m = *ref.message;
  // A paged message's delivery count is not kept across a restart (as in Artemis).
  if (ref.page.paged()) return;
  if (m.durable() && queue.durable() && !queue.definition().temporary)
    storage_.update_delivery_count(m.id(), queue.id(), ref.delivery_count);
}

}  // namespace artemis::core
