#include "core/duplicate_cache.hpp"

namespace artemis::core {

std::uint64_t DuplicateIdCache::add(std::string_view id, std::uint64_t record_id) {
  if (size_ == 0) return record_id;  // disabled: the caller deletes what it just wrote
  // An id already in the cache moves to its new slot; its old entry stays in the ring until it
  // is overwritten, then owns no key (checked below).
  if (auto it = index_.find(id); it != index_.end()) index_.erase(it);
  if (ring_.size() < size_) {
    const Entry& added = ring_.emplace_back(Entry{std::string(id), record_id});
    index_.emplace(added.id, ring_.size() - 1);
    return 0;
  }
  Entry& slot = ring_[next_];
  const std::uint64_t evicted = slot.record_id;
  // The slot's id may have been removed (and even re-added elsewhere) since. Its index node
  // is reused for the new id: a full cache then takes an id without an allocation.
  decltype(index_)::node_type node;
  if (auto it = index_.find(slot.id); it != index_.end() && it->second == next_)
    node = index_.extract(it);
  slot.id.assign(id);
  slot.record_id = record_id;
  if (node) {
    node.key() = slot.id;  // after the assign: it may have moved the text
    node.mapped() = next_;
    index_.insert(std::move(node));
  } else {
    index_.emplace(slot.id, next_);
  }
  next_ = (next_ + 1) % size_;
  return evicted;
}

void DuplicateIdCache::remove(std::string_view id) {
  auto it = index_.find(id);
  if (it == index_.end()) return;
  ring_[it->second].record_id = 0;
  index_.erase(it);
}

}  // namespace artemis::core
