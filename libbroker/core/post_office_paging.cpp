// PostOffice paging (reference §5): which address pages, the paging stores found at start-up,
// and the PagingHost side the stores call back.
#include <filesystem>
#include <random>

#include "core/log_codes.hpp"
#include "core/post_office.hpp"

namespace artemis::core {

namespace fs = std::filesystem;
using config::AddressFullPolicy;

void PostOffice::load_paging(store::LoadedState& state) {
  if (!storage_.persistent()) return;
  page_writer_ = std::make_unique<store::PageWriter>(
      [&s = scheduler_](std::function<void()> fn) { s.post(std::move(fn)); },
      config_.journal.datasync);
  std::map<std::uint64_t, PagingStore*> by_id;
  std::map<std::uint64_t, std::vector<store::PageTransactionRecord>> transactions;
  for (const auto& t : state.page_transactions) transactions[t.store_id].push_back(t);
  std::vector<std::uint64_t> stale;
  std::error_code ec;
  const auto& root = config_.paging_directory;
  if (fs::is_directory(root, ec)) {
    for (const auto& e : fs::directory_iterator(root, ec)) {
      const auto id = store::paging_store_id(e.path().filename().string());
      if (!id || !e.is_directory()) continue;
      const auto address = store::paging_store_address(e.path());
      if (address.empty() || paging_.count(address)) {
        log_.plain(util::Level::warn, log_codes::server_logger,
                   "paging folder {} has no address.txt or repeats an address; ignored",
                   e.path().string());
        continue;
      }
      auto ps =
          std::make_unique<PagingStore>(address, *id, e.path(),
                                        PagingStore::Deps{storage_, *page_writer_, *this, log_,
                                                          config_.large_messages_directory});
      if (auto rc = ps->load(transactions[*id], stale)) {
        log_.plain(util::Level::error, log_codes::server_logger,
                   "could not read paging folder {}: {}", e.path().string(), rc.message());
        continue;
      }
      by_id[*id] = ps.get();
      transactions.erase(*id);
      paging_.emplace(address, std::move(ps));
    }
  }
  for (const auto& [store_id, records] : transactions)  // their store is gone
    for (const auto& t : records) stale.push_back(t.id);
  for (const auto id : stale) storage_.delete_paging_record(id);
  auto restore = [&](const store::PageCursorRecord& r, bool complete) {
    auto it = by_id.find(r.store_id);
    if (it == by_id.end() || !it->second->restore(r, complete)) storage_.delete_paging_record(r.id);
  };
  for (const auto& r : state.cursor_acks) restore(r, false);
  for (const auto& r : state.page_completes) restore(r, true);
  for (auto& [address, ps] : paging_) ps->finish_load();
}

PagingStore* PostOffice::find_paging(const std::string& address) {
  auto it = paging_.find(address);
  return it == paging_.end() ? nullptr : it->second.get();
}

const PagingStore* PostOffice::paging_store(const std::string& address) const {
  auto it = paging_.find(address);
  return it == paging_.end() ? nullptr : it->second.get();
}

PagingStore* PostOffice::paging_for_send(const std::string& address) {
  if (!paging_enabled()) return nullptr;
  PagingStore* ps = find_paging(address);
  if (ps != nullptr && ps->paging()) return ps;
  const auto& s = settings_for(address);
  if (s.address_full_policy != AddressFullPolicy::page || !over_limit(address, s)) return nullptr;
  if (ps == nullptr) ps = create_paging_store(address);
  if (ps == nullptr) return nullptr;
  ps->start_paging();
  return ps;
}

PagingStore* PostOffice::create_paging_store(const std::string& address) {
  std::random_device rd;
  std::uint64_t id = 0;
  fs::path folder;
  std::error_code ec;
  do {
    id = (std::uint64_t{rd()} << 32) | rd();
    folder = config_.paging_directory / store::paging_folder_name(id);
  } while (id == 0 || fs::exists(folder, ec));
  auto ps = std::make_unique<PagingStore>(
      address, id, folder,
      PagingStore::Deps{storage_, *page_writer_, *this, log_, config_.large_messages_directory});
  if (auto rc = ps->create()) {
    // Messages stay in memory as if the address were not full: refusing them would lose them.
    log_.plain(util::Level::error, log_codes::server_logger,
               "could not create paging folder {}: {}", folder.string(), rc.message());
    return nullptr;
  }
  return paging_.emplace(address, std::move(ps)).first->second.get();
}

void PostOffice::purged(Queue& queue) {
  for (auto& [address, ps] : paging_) ps->purge(queue.id());
}

Queue* PostOffice::paged_queue(std::uint64_t id) {
  auto it = queues_by_id_.find(id);
  return it == queues_by_id_.end() ? nullptr : it->second;
}

bool PostOffice::address_full(const std::string& address) {
  return over_limit(address, settings_for(address));
}

void PostOffice::paging_drained(const std::string& address) {
  if (!blocked(address)) run_unblock_waiters(address);
}

void PostOffice::run_unblock_waiters(const std::string& address) {
  auto w = unblock_waiters_.find(address);
  if (w == unblock_waiters_.end()) return;
  auto ready = std::move(w->second);
  unblock_waiters_.erase(w);
  for (auto& fn : ready) fn();
}

void PostOffice::consumer_added(Queue& queue) {
  if (PagingStore* ps = find_paging(queue.address())) ps->wake(queue.id());
}

}  // namespace artemis::core
