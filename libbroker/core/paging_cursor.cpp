// PagingStore: the cursors (reference §5.5-5.7): depaging into each queue's window, acks,
// page completion, deleting pages, leaving page mode.
#include <algorithm>
#include <filesystem>

#include "core/address_settings.hpp"
#include "core/log_codes.hpp"
#include "core/paging_store.hpp"

namespace artemis::core {

void PagingStore::request_depage() {
  if (depage_requested_) return;
  depage_requested_ = true;
  // Posted: acks arrive from inside a queue's dispatch, and a read adds to that queue.
  deps_.host.scheduler().post([this, alive = alive_] {
    if (!*alive) return;
    depage_requested_ = false;
    depage();
  });
}

void PagingStore::depage() {
  if (depaging_) return;
  depaging_ = true;
  for (auto& [q, c] : cursors_) depage(q, c);
  depaging_ = false;
  maybe_leave();
}

bool PagingStore::room(const Cursor& c, const ResolvedAddressSettings& s) const {
  const auto max_messages = s.max_read_page_messages;
  const auto max_bytes = s.max_read_page_bytes;
  // Neither limit set: Artemis's older rule of a thousand references.
  if (max_messages <= 0 && max_bytes <= 0) return c.messages < 1000;
  if (max_messages > 0 && c.messages >= max_messages) return false;
  return max_bytes <= 0 || c.bytes < max_bytes;
}

void PagingStore::move_to(Cursor& c, std::uint32_t page) {
  c.page = page;
  c.index = 0;
  c.offset = 0;
  c.reader.close();
}

void PagingStore::wake(std::uint64_t queue_id) {
  if (cursors_.count(queue_id)) request_depage();
}

void PagingStore::depage(std::uint64_t q, Cursor& c) {
  Queue* queue = deps_.host.paged_queue(q);
  if (queue == nullptr || queue->consumer_count() == 0) return;
  const auto& s = deps_.host.settings_for(address_);
  while (room(c, s)) {
    auto it = pages_.lower_bound(c.page);
    if (it == pages_.end()) {
      c.reader.close();
      return;
    }
    if (it->first != c.page) move_to(c, it->first);
    Page& p = it->second;
    const bool completed = c.completed.count(p.number) > 0;
    const bool wanted = !completed && p.queues.count(q) > 0;
    if (wanted && c.index < p.records) {
      const std::uint32_t index = c.index;
      auto r = read_next(q, c, p);
      if (r.what == Read::wait) return;  // not on disk yet: nothing after it either
      if (r.what == Read::skip) continue;
      ++c.open[p.number].in_memory;
      ++c.messages;
      c.bytes += static_cast<std::int64_t>(r.message->memory_size());
      queue->add(MessageRef{std::move(r.message), 0, PagePosition{p.number, index}, {}});
      continue;
    }
    if (p.number == current_) {
      if (!wanted) {
        c.index = p.records;
        c.offset = p.bytes;
      }
      return;  // the end of what is written so far
    }
    const auto number = p.number;
    move_to(c, number + 1);
    if (!completed) passed(q, c, number);  // may delete the page
  }
}

PagingStore::Read PagingStore::read_next(std::uint64_t q, Cursor& c, Page& p) {
  const std::uint32_t index = c.index;
  auto acked = [&] {
    auto op = c.open.find(p.number);
    return op != c.open.end() && op->second.acked.count(index) > 0;
  };
  if (index < p.live.size()) {
    Entry& e = p.live[index];
    if (e.state == EntryState::pending) return {Read::wait, nullptr};
    const auto offset = c.offset;
    ++c.index;
    c.offset += e.bytes;
    if (e.state == EntryState::failed || !e.for_queue(q)) return {};
    MessagePtr m = e.message;
    if (m && e.unread > 0 && --e.unread == 0) e.message.reset();
    if (acked()) return {};
    if (!m) {
      c.offset = offset;  // read_from_file advances it again
      --c.index;
      m = read_from_file(q, c, p, index);
      if (!m) return {};
    }
    return {Read::take, std::move(m)};
  }
  auto m = read_from_file(q, c, p, index);
  if (!m || acked()) return {};
  return {Read::take, std::move(m)};
}

// Reads record `index` (at c.offset) and moves the cursor past it; nullptr when it is not for
// this queue any more (failed, gone with the previous run, torn).
MessagePtr PagingStore::read_from_file(std::uint64_t q, Cursor& c, const Page& p,
                                       std::uint32_t index) {
  const auto path = folder_ / store::page_file_name(p.number);
  auto give_up = [&](std::string_view why) {
    deps_.log.plain(util::Level::warn, log_codes::server_logger,
                    "page file {}: {} at record {}; the rest of the page is skipped", path.string(),
                    why, index);
    c.index = p.records;
    c.offset = p.bytes;
    return nullptr;
  };
  if (!c.reader.is_open())
    if (auto ec = c.reader.open(path)) return give_up(ec.message());
  const auto record = c.reader.read(c.offset);
  if (!record) return give_up("no whole record");
  ++c.index;
  c.offset += record->header.record_bytes;
  const auto& h = record->header;
  bool mine = false;
  for (std::size_t i = 0; i < h.queue_count() && !mine; ++i) mine = h.queue_id(i) == q;
  if (!mine || (p.previous_run && !h.durable)) return nullptr;
  if (std::find(p.failed.begin(), p.failed.end(), index) != p.failed.end()) return nullptr;
  auto pm = store::decode_paged_message(record->payload);
  if (!pm) return nullptr;
  auto m = make_message();
  m->record = std::move(pm->message);
  if (m->record.large_body_size) m->large = large_body(m->record);
  return m;
}

std::shared_ptr<store::LargeBody> PagingStore::large_body(const store::MessageRecord& r) {
  auto& slot = large_bodies_[r.id];
  if (auto body = slot.lock()) return body;
  // The page's file: kept until the page is deleted.
  auto body = store::recorded_large_body(deps_.large_messages, r.id, *r.large_body_size);
  slot = body;
  return body;
}

void PagingStore::remove_large_bodies(const Page& p) {
  for (const auto id : p.large_ids) {
    auto it = large_bodies_.find(id);
    if (it != large_bodies_.end()) {
      auto body = it->second.lock();
      large_bodies_.erase(it);
      if (body) {
        body->keep(false);  // a delivery still streams it: the file goes with its last reader
        continue;
      }
    }
    std::error_code ec;
    std::filesystem::remove(store::large_message_path(deps_.large_messages, id), ec);
    if (ec)
      deps_.log.plain(util::Level::warn, log_codes::server_logger,
                      "could not delete large message file of message {}: {}", id, ec.message());
  }
}

void PagingStore::passed(std::uint64_t q, Cursor& c, std::uint32_t page) {
  auto it = pages_.find(page);
  if (it == pages_.end() || !it->second.queues.count(q)) return;
  auto& cp = c.open[page];
  cp.passed = true;
  if (cp.in_memory == 0) complete(q, c, page);
}

void PagingStore::complete(std::uint64_t q, Cursor& c, std::uint32_t page) {
  auto it = c.open.find(page);
  std::vector<std::uint64_t> acks;
  if (it != c.open.end()) {
    acks = std::move(it->second.ack_records);
    c.open.erase(it);
  }
  c.completed[page] = deps_.storage.complete_page(id_, q, page, acks);
  maybe_delete(page);
}

void PagingStore::acked(std::uint64_t q, const MessageRef& ref) {
  auto it = cursors_.find(q);
  if (it == cursors_.end()) return;
  Cursor& c = it->second;
  --c.messages;
  c.bytes -= static_cast<std::int64_t>(ref.message->memory_size());
  const auto page = ref.page.page;
  auto op = c.open.find(page);
  if (op != c.open.end()) {
    auto& cp = op->second;
    if (ref.message->durable())
      cp.ack_records.push_back(deps_.storage.add_cursor_ack(id_, q, page, ref.page.index));
    if (cp.in_memory > 0) --cp.in_memory;
    if (cp.in_memory == 0 && cp.passed) complete(q, c, page);
  }
  request_depage();
}

void PagingStore::maybe_delete(std::uint32_t page) {
  auto it = pages_.find(page);
  if (it == pages_.end() || page == current_ || it->second.pending > 0) return;
  for (const auto q : it->second.queues) {
    if (deps_.host.paged_queue(q) == nullptr) continue;
    auto c = cursors_.find(q);
    if (c == cursors_.end() || !c->second.completed.count(page)) return;
  }
  // The file first, then the records that say it was consumed: a crash between the two leaves
  // records of a page that is gone (deleted at the next start), never a page without them.
  std::error_code ec;
  std::filesystem::remove(folder_ / store::page_file_name(page), ec);
  if (ec)
    deps_.log.plain(util::Level::warn, log_codes::server_logger,
                    "could not delete page file {}: {}",
                    (folder_ / store::page_file_name(page)).string(), ec.message());
  remove_large_bodies(it->second);
  for (const auto id : it->second.tx_records) deps_.storage.delete_paging_record(id);
  pages_.erase(it);
  for (auto& [q, c] : cursors_) {
    if (auto done = c.completed.find(page); done != c.completed.end()) {
      deps_.storage.delete_paging_record(done->second);
      c.completed.erase(done);
    }
    if (auto op = c.open.find(page); op != c.open.end()) {
      for (const auto id : op->second.ack_records) deps_.storage.delete_paging_record(id);
      c.open.erase(op);
    }
  }
  maybe_leave();
}

bool PagingStore::has_unread(std::uint64_t q, const Cursor& c) const {
  for (auto it = pages_.lower_bound(c.page); it != pages_.end(); ++it) {
    const Page& p = it->second;
    if (!p.queues.count(q) || c.completed.count(p.number)) continue;
    if ((p.number == c.page ? c.index : 0) < p.records) return true;
  }
  return false;
}

void PagingStore::maybe_leave() {
  if (!paging_ || pending_bytes_ > 0 || depaging_ || writing_) return;
  for (const auto& [n, p] : pages_)
    if (p.pending > 0) return;
  for (const auto& [q, c] : cursors_)
    if (deps_.host.paged_queue(q) != nullptr && has_unread(q, c)) return;
  if (deps_.host.address_full(address_)) return;
  paging_ = false;
  deps_.log.log(log_codes::paging_stopped, address_, deps_.host.limits_text(address_));
  const auto last = current_;
  close_current();
  if (last != 0) maybe_delete(last);
}

void PagingStore::purge(std::uint64_t q) {
  auto it = cursors_.find(q);
  if (it == cursors_.end()) return;
  Cursor& c = it->second;
  std::vector<std::uint32_t> numbers;
  for (auto p = pages_.lower_bound(c.page); p != pages_.end(); ++p) numbers.push_back(p->first);
  for (const auto n : numbers) {
    auto p = pages_.find(n);
    if (p == pages_.end()) continue;
    if (n == current_) {
      move_to(c, n);
      c.index = p->second.records;
      c.offset = p->second.bytes;
      break;
    }
    move_to(c, n + 1);
    if (!c.completed.count(n)) passed(q, c, n);  // may delete the page
  }
  if (current_ == 0) move_to(c, next_page_);
  maybe_leave();
}

void PagingStore::queue_deleted(std::uint64_t q) {
  auto it = cursors_.find(q);
  if (it == cursors_.end()) return;
  for (const auto& [page, cp] : it->second.open)
    for (const auto id : cp.ack_records) deps_.storage.delete_paging_record(id);
  for (const auto& [page, id] : it->second.completed) deps_.storage.delete_paging_record(id);
  cursors_.erase(it);
  delete_finished_pages();
  maybe_leave();
}

void PagingStore::delete_finished_pages() {
  std::vector<std::uint32_t> numbers;  // maybe_delete erases from pages_
  for (const auto& [n, p] : pages_) numbers.push_back(n);
  for (const auto n : numbers) maybe_delete(n);
}

}  // namespace artemis::core
