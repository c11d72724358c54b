#include "core/duplicate_cache.hpp"

namespace artemis::core {

std::uint64_t DuplicateIdCache::add(std::string_view id, std::uint64_t record_id) {
  if (size_ == 0) return record_id;  // disabled: the caller deletes what it just wrote
  if (ring_.size() < size_) {
    index_.insert_or_assign(std::string(id), ring_.size());
    ring_.push_back({std::string(id), record_id});
    return 0;
  }
  Entry& slot = ring_[next_];
  const std::uint64_t evicted = slot.record_id;
  // The slot's id may have been removed (and even re-added elsewhere) since.
  if (auto it = index_.find(slot.id); it != index_.end() && it->second == next_) index_.erase(it);
  slot = {std::string(id), record_id};
  index_.insert_or_assign(slot.id, next_);
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
