#include "journal/load_builder.hpp"

#include <algorithm>

namespace artemis::journal {

void LoadBuilder::add(RecordInfo info) {
  remove(info.id);
  const auto id = info.id;
  entries_.emplace_back(std::move(info));
  live_[id].push_back(entries_.size() - 1);
}

void LoadBuilder::update(RecordInfo info) {
  auto it = live_.find(info.id);
  if (it == live_.end()) return;  // its record is gone: nothing to update
  info.is_update = true;
  entries_.emplace_back(std::move(info));
  it->second.push_back(entries_.size() - 1);
}

void LoadBuilder::remove(std::uint64_t id) {
  auto it = live_.find(id);
  if (it == live_.end()) return;
  for (auto i : it->second) entries_[i].reset();
  live_.erase(it);
}

void LoadBuilder::apply(const RecordView& r) {
  max_id_ = std::max({max_id_, r.id, r.tx_id});
  auto info = [&] {
    return RecordInfo{r.id, r.user_type, {r.payload.begin(), r.payload.end()}, false};
  };
  auto tx_of = [&](std::uint64_t tx_id) -> Tx& {
    auto [it, fresh] = txs_.try_emplace(tx_id);
    if (fresh) tx_order_.push_back(tx_id);
    return it->second;
  };
  switch (r.type) {
    case RecordType::add: add(info()); break;
    case RecordType::update: update(info()); break;
    case RecordType::del: remove(r.id); break;
    case RecordType::add_tx:
    case RecordType::update_tx:
    case RecordType::delete_tx: tx_of(r.tx_id).ops.push_back(TxOp{r.type, info()}); break;
    case RecordType::prepare: {
      auto& tx = tx_of(r.tx_id);
      tx.prepared = true;
      tx.extra.assign(r.payload.begin(), r.payload.end());
      break;
    }
    case RecordType::commit: {
      auto it = txs_.find(r.tx_id);
      if (it == txs_.end()) break;
      for (auto& op : it->second.ops) {
        if (op.type == RecordType::add_tx) add(std::move(op.info));
        else if (op.type == RecordType::update_tx) update(std::move(op.info));
        else remove(op.info.id);
      }
      txs_.erase(it);
      break;
    }
    case RecordType::rollback: txs_.erase(r.tx_id); break;
  }
}

void LoadBuilder::finish(LoadResult& out,
                         std::vector<std::pair<std::uint64_t, std::size_t>>& discarded) {
  out.records.clear();
  out.prepared.clear();
  for (auto& e : entries_) {
    if (e) out.records.push_back(std::move(*e));
  }
  for (auto tx_id : tx_order_) {
    auto it = txs_.find(tx_id);
    if (it == txs_.end()) continue;
    if (!it->second.prepared) {
      discarded.emplace_back(tx_id, it->second.ops.size());
      continue;
    }
    PreparedTransaction p;
    p.tx_id = tx_id;
    p.extra = std::move(it->second.extra);
    for (auto& op : it->second.ops) {
      if (op.type == RecordType::delete_tx) {
        p.deletes.push_back(op.info.id);
      } else {
        op.info.is_update = op.type == RecordType::update_tx;
        p.records.push_back(std::move(op.info));
      }
    }
    out.prepared.push_back(std::move(p));
  }
  out.max_id = max_id_;
  entries_.clear();
  live_.clear();
  txs_.clear();
  tx_order_.clear();
}

}  // namespace artemis::journal
