// StorageManager start-up: both journals replayed into a LoadedState (storage_manager.hpp).
#include <algorithm>
#include <map>
#include <unordered_map>

#include "store/record_types.hpp"
#include "store/storage_manager.hpp"

namespace artemis::store {
namespace {

constexpr std::string_view kLoadLogger = "org.apache.activemq.artemis.core.server";

// The delete that finishes an acked message's job needs no answer.
void no_answer(std::error_code) {}

}  // namespace

std::error_code StorageManager::load(LoadedState& out) {
  if (!persistent()) return {};
  journal::LoadResult bindings;
  if (auto ec = bindings_->load(bindings)) return ec;
  journal::LoadResult messages;
  if (auto ec = messages_->load(messages)) return ec;
  load_bindings(bindings, out);
  load_messages(messages, out);
  next_id_ = std::max({next_id_, bindings.max_id + 1, messages.max_id + 1, reserved_up_to_ + 1});
  // Reserve the block we start in before any id from it reaches the disk.
  reserved_up_to_ = next_id_ - 1;
  return {};
}

namespace {

// A later record with the same id is an update (a routing type added, management's
// updateQueue): it replaces the earlier one in place.
template <class Record>
void keep_latest(std::vector<Record>& records, std::unordered_map<std::uint64_t, std::size_t>& at,
                 std::uint64_t id, Record r) {
  const auto [it, fresh] = at.emplace(id, records.size());
  if (fresh)
    records.push_back(std::move(r));
  else
    records[it->second] = std::move(r);
}

}  // namespace

void StorageManager::load_bindings(const journal::LoadResult& r, LoadedState& out) {
  std::unordered_map<std::uint64_t, std::size_t> address_at, queue_at;
  for (const auto& rec : r.records) {
    const std::span<const std::uint8_t> body{rec.data.data(), rec.data.size()};
    bool ok = true;
    switch (rec.user_type) {
      case record::address_binding:
        if (auto a = decode_address(rec.id, body)) {
          keep_latest(out.addresses, address_at, rec.id, std::move(*a));
        } else {
          ok = false;
        }
        break;
      case record::queue_binding:
        if (auto q = decode_queue(rec.id, body)) {
          keep_latest(out.queues, queue_at, rec.id, std::move(*q));
        } else {
          ok = false;
        }
        break;
      case record::id_counter:
        if (auto v = decode_id_counter(body)) {
          reserved_up_to_ = std::max(reserved_up_to_, *v);
          counter_record_id_ = rec.id;
        } else {
          ok = false;
        }
        break;
      default:
        ok = false;
    }
    if (!ok) {
      ++out.bad_records;
      log_.plain(util::Level::warn, kLoadLogger,
                 "bindings journal: record {} of type {} does not decode; ignored", rec.id,
                 int(rec.user_type));
    }
  }
}

void StorageManager::load_messages(const journal::LoadResult& r, LoadedState& out) {
  std::map<std::uint64_t, LoadedMessage> by_id;
  auto bad = [&](const journal::RecordInfo& rec) {
    ++out.bad_records;
    log_.plain(util::Level::warn, kLoadLogger,
               "message journal: record {} of type {} ({}) does not decode; ignored", rec.id,
               int(rec.user_type), record::name(rec.user_type));
  };
  // Adds first, then updates: an update always refers to an add that precedes it.
  for (const auto& rec : r.records) {
    if (rec.is_update) continue;
    const std::span<const std::uint8_t> body{rec.data.data(), rec.data.size()};
    if (rec.user_type == record::message) {
      if (auto m = decode_message(body))
        by_id[rec.id].message = std::move(*m);
      else
        bad(rec);
    } else if (rec.user_type == record::large_message) {
      if (auto m = decode_large_message(body))
        by_id[rec.id].message = std::move(*m);
      else
        bad(rec);
    } else if (rec.user_type == record::duplicate_id) {
      if (auto d = decode_duplicate_id(rec.id, body))
        out.duplicate_ids.push_back(std::move(*d));
      else
        bad(rec);
    } else if (rec.user_type == record::page_cursor_ack) {
      if (auto c = decode_cursor_ack(rec.id, body))
        out.cursor_acks.push_back(*c);
      else
        bad(rec);
    } else if (rec.user_type == record::page_cursor_complete) {
      if (auto c = decode_page_complete(rec.id, body))
        out.page_completes.push_back(*c);
      else
        bad(rec);
    } else if (rec.user_type == record::page_transaction) {
      if (auto t = decode_page_transaction(rec.id, body))
        out.page_transactions.push_back(*t);
      else
        bad(rec);
    } else {
      bad(rec);
    }
  }
  for (const auto& rec : r.records) {
    if (!rec.is_update) continue;
    const std::span<const std::uint8_t> body{rec.data.data(), rec.data.size()};
    auto it = by_id.find(rec.id);
    if (it == by_id.end()) {
      bad(rec);
      continue;
    }
    auto& refs = it->second.refs;
    if (rec.user_type == record::add_ref) {
      if (auto q = decode_ref(body))
        refs.push_back({*q, 0});
      else
        bad(rec);
    } else if (rec.user_type == record::ack_ref) {
      if (auto q = decode_ref(body)) {
        auto ref = std::find_if(refs.begin(), refs.end(),
                                [&](const LoadedRef& x) { return x.queue_id == *q; });
        if (ref != refs.end()) refs.erase(ref);
      } else {
        bad(rec);
      }
    } else if (rec.user_type == record::delivery_count) {
      if (auto d = decode_delivery_count(body)) {
        for (auto& ref : refs)
          if (ref.queue_id == d->queue_id) ref.delivery_count = d->count;
      } else {
        bad(rec);
      }
    } else {
      bad(rec);
    }
  }
  std::sort(out.duplicate_ids.begin(), out.duplicate_ids.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  for (auto& [id, lm] : by_id) {
    if (lm.refs.empty()) {
      // Every ref was acked but the delete did not reach the disk: finish the job.
      messages_->append_delete(id, journal::Sync::no, no_answer);
      continue;
    }
    out.messages.push_back(std::move(lm));
  }
}

}  // namespace artemis::store
