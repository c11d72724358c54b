#include "core/duplicate_cache.hpp"

#include <functional>

namespace artemis::core {

namespace {

std::size_t hash_of(std::string_view id) {
  return std::hash<std::string_view>{}(id);
}

}  // namespace

bool DuplicateIdCache::contains(std::string_view id) const {
  return find(id, hash_of(id)) != buckets_.size();
}

std::size_t DuplicateIdCache::find(std::string_view id, std::size_t hash) const {
  if (buckets_.empty()) return buckets_.size();  // nothing indexed yet
  const std::size_t mask = buckets_.size() - 1;
  for (std::size_t b = hash & mask;; b = (b + 1) & mask) {
    const Bucket& bucket = buckets_[b];
    if (bucket.slot == kFree) return buckets_.size();
    if (bucket.hash == hash && ring_[bucket.slot].id == id) return b;
  }
}

std::uint64_t DuplicateIdCache::add(std::string_view id, std::uint64_t record_id) {
  if (size_ == 0) return record_id;  // disabled: the caller deletes what it just wrote
  const std::size_t hash = hash_of(id);
  // An id already in the cache moves to its new slot; its old entry stays in the ring until it
  // is overwritten, then owns no bucket.
  if (const auto b = find(id, hash); b != buckets_.size()) {
    ring_[buckets_[b].slot].indexed = false;
    unindex(b);
  }
  std::uint64_t evicted = 0;
  std::uint32_t slot;
  if (ring_.size() < size_) {
    slot = static_cast<std::uint32_t>(ring_.size());
    ring_.emplace_back();
  } else {
    slot = static_cast<std::uint32_t>(next_);
    next_ = (next_ + 1) % size_;
    Entry& old = ring_[slot];
    evicted = old.record_id;
    if (old.indexed) unindex(find(old.id, old.hash));
  }
  Entry& e = ring_[slot];
  e.id.assign(id);
  e.record_id = record_id;
  e.hash = hash;
  index(slot);
  return evicted;
}

void DuplicateIdCache::remove(std::string_view id) {
  const auto b = find(id, hash_of(id));
  if (b == buckets_.size()) return;
  Entry& e = ring_[buckets_[b].slot];
  e.record_id = 0;
  e.indexed = false;
  unindex(b);
}

void DuplicateIdCache::index(std::uint32_t slot) {
  if ((indexed_ + 1) * 4 > buckets_.size() * 3) grow();
  Entry& e = ring_[slot];
  const std::size_t mask = buckets_.size() - 1;
  std::size_t b = e.hash & mask;
  while (buckets_[b].slot != kFree) b = (b + 1) & mask;
  buckets_[b] = Bucket{e.hash, slot};
  e.indexed = true;
  ++indexed_;
}

// Backward-shift deletion: the buckets after the freed one that probed past it move back, so a
// lookup can stop at the first free bucket (no tombstones to skip or to clean up).
void DuplicateIdCache::unindex(std::size_t bucket) {
  const std::size_t mask = buckets_.size() - 1;
  std::size_t hole = bucket;
  for (std::size_t b = (hole + 1) & mask; buckets_[b].slot != kFree; b = (b + 1) & mask) {
    const std::size_t home = buckets_[b].hash & mask;
    // Moves back when its home is not in the cyclic range (hole, b].
    const bool home_after_hole =
        hole <= b ? (home > hole && home <= b) : (home > hole || home <= b);
    if (home_after_hole) continue;
    buckets_[hole] = buckets_[b];
    hole = b;
  }
  buckets_[hole] = Bucket{};
  --indexed_;
}

void DuplicateIdCache::grow() {
  std::vector<Bucket> old = std::move(buckets_);
  buckets_.assign(old.empty() ? 16 : old.size() * 2, Bucket{});
  const std::size_t mask = buckets_.size() - 1;
  for (const Bucket& o : old) {
    if (o.slot == kFree) continue;
    std::size_t b = o.hash & mask;
    while (buckets_[b].slot != kFree) b = (b + 1) & mask;
    buckets_[b] = o;
  }
}

}  // namespace artemis::core
