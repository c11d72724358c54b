// PagingStore: page files, writing and start-up. Cursors and depaging: paging_cursor.cpp.
#include "core/paging_store.hpp"

#include <algorithm>

#include "core/address_settings.hpp"
#include "core/log_codes.hpp"
#include "journal/journal_file.hpp"
#include "store/durable_file.hpp"

namespace artemis::core {

namespace fs = std::filesystem;

bool PagingStore::Entry::for_queue(std::uint64_t id) const {
  return std::find(queue_ids.begin(), queue_ids.end(), id) != queue_ids.end();
}

PagingStore::PagingStore(std::string address, std::uint64_t id, fs::path folder, Deps deps)
    : address_(std::move(address)), id_(id), folder_(std::move(folder)), deps_(deps) {}

PagingStore::~PagingStore() {
  *alive_ = false;
}

PagingCounters PagingStore::counters() const {
  PagingCounters c;
  c.pages = pages_.size();
  for (const auto& [n, p] : pages_) {
    c.page_bytes += p.bytes;
    c.paged_messages += p.records;
  }
  return c;
}

std::error_code PagingStore::create() {
  std::error_code ec;
  fs::create_directories(folder_, ec);
  if (ec) return ec;
  // Durable before the first page is: a folder whose address.txt a power cut emptied or lost
  // is skipped at load, with every confirmed message of its pages. The new folder's own entry
  // is in the paging directory, synced too.
  if ((ec = store::write_file_durably(folder_ / "address.txt", address_ + '\n'))) return ec;
  return journal::sync_directory(folder_.parent_path());
}

std::error_code PagingStore::load(const std::vector<store::PageTransactionRecord>& transactions,
                                  std::vector<std::uint64_t>& stale) {
  std::error_code ec;
  std::vector<std::uint32_t> numbers;
  for (const auto& e : fs::directory_iterator(folder_, ec))
    if (const auto n = store::page_number_of(e.path().filename().string())) numbers.push_back(*n);
  if (ec) return ec;
  std::sort(numbers.begin(), numbers.end());
  std::vector<std::uint8_t> bytes;
  for (const auto n : numbers) {
    const auto path = folder_ / store::page_file_name(n);
    if (auto rc = store::read_file(path, bytes)) {
      deps_.log.plain(util::Level::warn, log_codes::server_logger,
                      "could not read page file {}: {}; its messages are skipped", path.string(),
                      rc.message());
      continue;
    }
    Page p;
    p.number = n;
    p.previous_run = true;
    std::set<std::uint64_t> committed;
    for (const auto& t : transactions)
      if (t.page == n) {
        committed.insert(t.tx_id);
        p.tx_records.push_back(t.id);
      }
    std::uint32_t index = 0;
    const auto scan = store::scan_page(bytes, [&](const store::PagedHeader& h, auto payload) {
      if (h.large)  // only its id is needed; it has no body to decode
        if (auto pm = store::decode_paged_message(payload)) p.large_ids.push_back(pm->message.id);
      if (h.tx_id != store::no_page_tx && !committed.count(static_cast<std::uint64_t>(h.tx_id))) {
        p.failed.push_back(index);  // its transaction never committed
      } else {
        for (std::size_t i = 0; i < h.queue_count(); ++i) p.queues.insert(h.queue_id(i));
      }
      ++index;
      return true;
    });
    p.records = static_cast<std::uint32_t>(scan.records);
    p.bytes = scan.valid_bytes;
    if (scan.suspect)
      deps_.log.plain(util::Level::warn, log_codes::server_logger,
                      "page file {}: {} bytes after its last whole record ignored", path.string(),
                      bytes.size() - scan.valid_bytes);
    pages_.emplace(n, std::move(p));
    next_page_ = std::max(next_page_, n + 1);
  }
  for (const auto& t : transactions)
    if (!pages_.count(t.page)) stale.push_back(t.id);
  return {};
}

void PagingStore::large_messages(std::set<std::uint64_t>& out) const {
  for (const auto& [n, p] : pages_) out.insert(p.large_ids.begin(), p.large_ids.end());
}

void PagingStore::note_transaction(std::uint32_t page, std::uint64_t record_id) {
  if (auto it = pages_.find(page); it != pages_.end())
    it->second.tx_records.push_back(record_id);
  else
    deps_.storage.delete_paging_record(record_id);
}

bool PagingStore::restore(const store::PageCursorRecord& r, bool complete) {
  if (!pages_.count(r.page) || deps_.host.paged_queue(r.queue_id) == nullptr) return false;
  Cursor& c = cursor(r.queue_id);
  if (complete) {
    c.completed[r.page] = r.id;
  } else {
    auto& cp = c.open[r.page];
    cp.ack_records.push_back(r.id);
    cp.acked.insert(r.index);
  }
  return true;
}

void PagingStore::finish_load() {
  for (const auto& [n, p] : pages_)
    for (const auto q : p.queues)
      if (deps_.host.paged_queue(q) != nullptr) cursor(q);
  // A page completed by all before the crash whose file was not deleted yet.
  delete_finished_pages();
  if (pages_.empty()) return;
  paging_ = true;
  depage();
}

PagingStore::Cursor& PagingStore::cursor(std::uint64_t queue_id) {
  auto [it, fresh] = cursors_.try_emplace(queue_id);
  if (fresh) it->second.page = pages_.empty() ? next_page_ : pages_.begin()->first;
  return it->second;
}

void PagingStore::start_paging() {
  if (paging_) return;
  paging_ = true;
  deps_.log.log(log_codes::paging_started, address_, deps_.host.limits_text(address_));
}

void PagingStore::open_page() {
  std::error_code ec;
  const auto path = folder_ / store::page_file_name(next_page_);
  auto file = store::PageFile::open(path, ec);
  if (!file) {
    // The write of the first record fails instead: the sender hears of it and the server
    // stops as for any failed store.
    deps_.log.plain(util::Level::error, log_codes::server_logger,
                    "could not create page file {}: {}", path.string(), ec.message());
    return;
  }
  Page p;
  p.number = next_page_++;
  p.file = std::move(file);
  current_ = p.number;
  pages_.emplace(p.number, std::move(p));
}

void PagingStore::close_current() {
  auto it = pages_.find(current_);
  current_ = 0;
  if (it == pages_.end()) return;
  Page& p = it->second;
  p.file.reset();
  if (p.pending == 0) std::vector<Entry>().swap(p.live);
  // Cursors that were waiting at its end have read it now.
  for (auto& [q, c] : cursors_)
    if (c.page == p.number && c.index >= p.records) passed(q, c, p.number);
}

PagePosition PagingStore::page(const MessagePtr& m, std::span<const std::uint64_t> queue_ids,
                               std::function<void(std::error_code)> stored, std::int64_t tx_id) {
  std::vector<std::uint8_t> bytes;
  store::encode_page_record(tx_id, queue_ids, m->record, bytes);
  const auto& s = deps_.host.settings_for(address_);
  if (current_ != 0) {
    const Page& p = pages_.at(current_);
    if (p.records > 0 && p.bytes + bytes.size() > static_cast<std::uint64_t>(s.page_size_bytes)) {
      writing_ = true;
      close_current();
      writing_ = false;
    }
  }
  if (current_ == 0) open_page();
  if (current_ == 0) {
    stored(std::make_error_code(std::errc::io_error));
    return {};
  }
  Page& p = pages_.at(current_);
  const PagePosition at{p.number, p.records};
  if (m->large) {
    p.large_ids.push_back(m->id());
    large_bodies_[m->id()] = m->large.get_shared();
  }
  Entry e;
  e.queue_ids.assign(queue_ids.begin(), queue_ids.end());
  e.bytes = static_cast<std::uint32_t>(bytes.size());
  e.unread = static_cast<std::uint32_t>(queue_ids.size());
  bool read_soon = false;
  for (const auto q : queue_ids) {
    p.queues.insert(q);
    auto [c, fresh] = cursors_.try_emplace(q);
    if (fresh) {
      // Nothing before this record is for a queue that had no cursor: it starts here.
      c->second.page = at.page;
      c->second.index = at.index;
      c->second.offset = p.bytes;
    }
    read_soon = read_soon || (c->second.page == at.page && room(c->second, s));
  }
  // Kept in memory only for a queue about to read it; the others read it back from the file.
  if (read_soon) e.message = m;
  p.live.push_back(std::move(e));
  ++p.records;
  ++p.pending;
  p.bytes += bytes.size();
  const auto size = bytes.size();
  pending_bytes_ += size;
  deps_.writer.append(p.file, std::move(bytes), m->durable(),
                      [this, alive = alive_, size, stored = std::move(stored)](std::error_code ec) {
                        if (*alive) {
                          const bool was_backlogged = backlogged();
                          pending_bytes_ -= size;
                          if (ec) deps_.storage.report_io_failure(ec);
                          if (was_backlogged && !backlogged()) deps_.host.paging_drained(address_);
                        }
                        stored(ec);
                      });
  return at;
}

PagingStore::Entry* PagingStore::entry_at(PagePosition at) {
  auto it = pages_.find(at.page);
  if (it == pages_.end() || at.index >= it->second.live.size()) return nullptr;
  return &it->second.live[at.index];
}

void PagingStore::visible(PagePosition at) {
  Entry* e = entry_at(at);
  if (e == nullptr || e->state != EntryState::pending) return;
  e->state = EntryState::visible;
  Page& p = pages_.at(at.page);
  if (--p.pending == 0 && at.page != current_) std::vector<Entry>().swap(p.live);
  request_depage();
}

void PagingStore::failed(PagePosition at) {
  Entry* e = entry_at(at);
  if (e == nullptr || e->state != EntryState::pending) return;
  e->state = EntryState::failed;
  Page& p = pages_.at(at.page);
  p.failed.push_back(at.index);
  if (--p.pending == 0 && at.page != current_) std::vector<Entry>().swap(p.live);
  request_depage();
}

bool PagingStore::backlogged() const {
  // Enough for the writer to batch its syncs, little enough not to weigh on memory: the bytes
  // waiting are the broker's to hold (a page is 10 MiB by default).
  constexpr std::uint64_t kMaxBacklogBytes = 2 * 1024 * 1024;
  const auto page_size = deps_.host.settings_for(address_).page_size_bytes;
  return page_size > 0 &&
         pending_bytes_ >= std::min(static_cast<std::uint64_t>(page_size), kMaxBacklogBytes);
}

}  // namespace artemis::core
