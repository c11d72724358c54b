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
  index_.erase(slot.id);
  slot = {id, record_id};
  index_[id] = next_;
  next_ = (next_ + 1) % size_;
  return evicted;
}

}  // namespace artemis::core
