#include "core/duplicate_cache.hpp"

namespace artemis::core {

std::uint64_t DuplicateIdCache::add(const std::string& id, std::uint64_t record_id) {
  if (size_ == 0) return record_id;  // disabled: the caller deletes what it just wrote
  if (ring_.size() < size_) {
    index_[id] = ring_.size();
    ring_.push_back({id, record_id});
    return 0;
  }
  Entry& slot = ring_[next_];
  const std::uint64_t evicted = slot.record_id;
  // The slot's id may have been removed (and even re-added elsewhere) since.
  if (auto it = index_.find(slot.id); it != index_.end() && it->second == next_) index_.erase(it);
  slot = {id, record_id};
  index_[id] = next_;
  next_ = (next_ + 1) % size_;
  return evicted;
}

void DuplicateIdCache::remove(const std::string& id) {
  auto it = index_.find(id);
  if (it == index_.end()) return;
  ring_[it->second].record_id = 0;
  index_.erase(it);
}

}  // namespace artemis::core
