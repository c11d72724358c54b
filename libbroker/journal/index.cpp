#include "journal/index.hpp"

#include <algorithm>

#include "util/assert.hpp"

namespace artemis::journal {

void Index::clear() {
  files_.clear();
  records_.clear();
  more_locations_.clear();
  txs_.clear();
  spare_tx_ = {};
}

void Index::add_file(std::uint64_t seq) { files_.try_emplace(seq); }

void Index::count_live(Loc loc) {
  auto& f = files_[loc.seq];
  f.live_records += 1;
  f.live_bytes += loc.size;
  f.used_bytes += loc.size;
}

void Index::kill(Loc loc, std::uint64_t protector) {
  auto it = files_.find(loc.seq);
  BROKER_ASSERT(it != files_.end(), "journal index: live record in unknown file {}", loc.seq);
  BROKER_ASSERT(it->second.live_records > 0, "journal index: file {} has no live record", loc.seq);
  it->second.live_records -= 1;
  it->second.live_bytes -= loc.size;
  if (protector != loc.seq) files_[protector].protects[loc.seq] += 1;
}

void Index::kill_record(std::uint64_t id, std::uint64_t protector) {
  auto it = records_.find(id);
  if (it == records_.end()) return;
  it->second.for_each([&](const Loc& loc) { kill(loc, protector); });
  records_.erase(it);
  if (more_locations_.empty()) return;
  if (auto more = more_locations_.find(id); more != more_locations_.end()) {
    for (const auto& loc : more->second) kill(loc, protector);
    more_locations_.erase(more);
  }
}

void Index::add_location(std::uint64_t id, LocList& locs, Loc loc) {
  if (!locs.push_back(loc)) more_locations_[id].push_back(loc);
}

void Index::on_add(std::uint64_t id, Loc loc) {
  kill_record(id, loc.seq);  // an add of a live id replaces it
  count_live(loc);
  records_[id].push_back(loc);  // a new list: it has room
}

void Index::on_update(std::uint64_t id, Loc loc) {
  auto it = records_.find(id);
  files_[loc.seq].used_bytes += loc.size;
  if (it == records_.end()) return;  // update of a record that is gone: dead on arrival
  auto& f = files_[loc.seq];
  f.live_records += 1;
  f.live_bytes += loc.size;
  add_location(id, it->second, loc);
}

void Index::on_delete(std::uint64_t id, Loc loc) {
  files_[loc.seq].used_bytes += loc.size;
  kill_record(id, loc.seq);
}

Index::Tx& Index::tx_for(std::uint64_t tx_id) {
  if (auto it = txs_.find(tx_id); it != txs_.end()) return it->second;
  if (!spare_tx_) return txs_[tx_id];
  spare_tx_.key() = tx_id;
  return txs_.insert(std::move(spare_tx_)).position->second;
}

void Index::retire(std::unordered_map<std::uint64_t, Tx>::iterator tx) {
  auto node = txs_.extract(tx);
  if (spare_tx_ || node.mapped().ops.capacity() > 64) return;  // a big one is not kept
  node.mapped().ops.clear();  // keeps its capacity
  node.mapped().prepared = false;
  node.mapped().prepare = {};
  spare_tx_ = std::move(node);
}

void Index::on_tx_record(RecordType type, std::uint64_t tx_id, std::uint64_t id, Loc loc) {
  count_live(loc);  // live until the outcome
  auto& ops = tx_for(tx_id).ops;
  if (ops.empty()) ops.reserve(4);  // a send with a duplicate id: message, id, ref(s)
  ops.push_back(TxOp{type, id, loc});
}

void Index::on_prepare(std::uint64_t tx_id, Loc loc) {
  auto& tx = tx_for(tx_id);
  if (tx.prepared) kill(tx.prepare, loc.seq);  // a second prepare supersedes the first
  tx.prepared = true;
  tx.prepare = loc;
  count_live(loc);
}

void Index::on_commit(std::uint64_t tx_id, Loc loc) {
  files_[loc.seq].used_bytes += loc.size;
  auto it = txs_.find(tx_id);
  if (it == txs_.end()) return;
  const std::uint64_t g = loc.seq;
  auto& f = files_[g];
  for (const auto& op : it->second.ops) {
    // The commit keeps every file holding the tx's records alive: without it they would
    // read as an unresolved transaction.
    if (op.loc.seq != g) f.protects[op.loc.seq] += 1;
    switch (op.type) {
      case RecordType::add_tx:
        kill_record(op.id, op.loc.seq);
        records_[op.id].push_back(op.loc);  // stays counted live; a new list has room
        break;
      case RecordType::update_tx:
        if (auto r = records_.find(op.id); r != records_.end()) {
          add_location(op.id, r->second, op.loc);
        } else {
          kill(op.loc, g);
        }
        break;
      default:  // delete_tx: the target dies; the DELETE_TX record protects its files
        kill_record(op.id, op.loc.seq);
        kill(op.loc, g);
        break;
    }
  }
  if (it->second.prepared) kill(it->second.prepare, g);
  retire(it);
}

void Index::on_rollback(std::uint64_t tx_id, Loc loc) {
  files_[loc.seq].used_bytes += loc.size;
  auto it = txs_.find(tx_id);
  if (it == txs_.end()) return;
  for (const auto& op : it->second.ops) kill(op.loc, loc.seq);
  if (it->second.prepared) kill(it->second.prepare, loc.seq);
  retire(it);
}

void Index::drop_unprepared() {
  for (auto it = txs_.begin(); it != txs_.end();) {
    if (it->second.prepared) {
      ++it;
      continue;
    }
    // No record refers to these any more, so nothing needs protecting.
    for (const auto& op : it->second.ops) kill(op.loc, op.loc.seq);
    it = txs_.erase(it);
  }
}

std::vector<std::uint64_t> Index::take_reclaimable(std::uint64_t current) {
  std::vector<std::uint64_t> out;
  for (bool changed = true; changed;) {
    changed = false;
    for (auto it = files_.begin(); it != files_.end();) {
      const auto seq = it->first;
      const auto& f = it->second;
      if (seq == current || f.live_records != 0 || !f.protects.empty()) {
        ++it;
        continue;
      }
      out.push_back(seq);
      it = files_.erase(it);
      for (auto& [other, acct] : files_) acct.protects.erase(seq);
      changed = true;
    }
  }
  return out;
}

std::uint64_t Index::live_bytes() const {
  std::uint64_t sum = 0;
  for (const auto& [seq, f] : files_) sum += f.live_bytes;
  return sum;
}

std::uint64_t Index::used_bytes() const {
  std::uint64_t sum = 0;
  for (const auto& [seq, f] : files_) sum += f.used_bytes;
  return sum;
}

std::vector<Loc> Index::live_locations_below(std::uint64_t below) const {
  std::vector<Loc> out;
  for_each_record_location(*this, [&](const Loc& loc) {
    if (loc.seq < below) out.push_back(loc);
  });
  for (const auto& [tx_id, tx] : txs_) {
    for (const auto& op : tx.ops) {
      if (op.loc.seq < below) out.push_back(op.loc);
    }
    if (tx.prepared && tx.prepare.seq < below) out.push_back(tx.prepare);
  }
  std::sort(out.begin(), out.end(), [](const Loc& a, const Loc& b) {
    return a.seq != b.seq ? a.seq < b.seq : a.offset < b.offset;
  });
  return out;
}

void Index::relocate(const std::map<std::pair<std::uint64_t, std::uint32_t>, Loc>& moved,
                     const std::vector<std::uint64_t>& replaced,
                     const std::vector<std::uint64_t>& added) {
  auto move = [&](Loc& loc) {
    auto it = moved.find({loc.seq, loc.offset});
    if (it == moved.end()) return;
    auto& from = files_[loc.seq];
    from.live_records -= 1;
    from.live_bytes -= loc.size;
    loc = it->second;
    auto& to = files_[loc.seq];
    to.live_records += 1;
    to.live_bytes += loc.size;
  };
  for (auto& seq : added) files_.try_emplace(seq);
  for_each_record_location(*this, move);
  for (auto& [tx_id, tx] : txs_) {
    for (auto& op : tx.ops) move(op.loc);
    if (tx.prepared) move(tx.prepare);
  }
  for (auto& [seq, loc] : moved) files_[loc.seq].used_bytes += loc.size;
  for (auto seq : replaced) {
    auto it = files_.find(seq);
    if (it == files_.end()) continue;
    BROKER_ASSERT(it->second.live_records == 0, "journal index: replaced file {} still has {} live records",
                  seq, it->second.live_records);
    files_.erase(it);
  }
  for (auto& [seq, f] : files_) {
    bool protected_replaced = false;
    for (auto r : replaced) protected_replaced |= f.protects.erase(r) != 0;
    if (protected_replaced) {
      for (auto a : added) {
        if (a != seq) f.protects[a] += 1;
      }
    }
  }
}

}  // namespace artemis::journal
