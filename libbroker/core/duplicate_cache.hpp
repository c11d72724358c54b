#pragma once
// Per-address duplicate-id cache (reference §5.8): a circular buffer of the last `size` ids.
// An id leaves only by being overwritten; each cached id has a journal record (when
// persist-id-cache is on) that is deleted when it is overwritten. Broker thread only.
//
// Every durable send with an id looks it up and adds it, so the index is an open-addressing
// table of (hash, ring slot) pairs probed linearly: a lookup reads one or two cache lines of
// the table and touches an id's text only when the hashes match, where a node-based map chased
// a pointer per node and compared texts along its chains.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace artemis::core {

class DuplicateIdCache {
 public:
  explicit DuplicateIdCache(std::size_t size) : size_(size) {}
  bool contains(std::string_view id) const;
  // Adds id with its record id; returns the record id of the entry it overwrote (0: none).
  std::uint64_t add(std::string_view id, std::uint64_t record_id);
  // Forgets an id whose message was never stored (the store failed): a resend must pass.
  void remove(std::string_view id);
  std::size_t size() const { return indexed_; }

 private:
  static constexpr std::uint32_t kFree = UINT32_MAX;
  struct Entry {
    std::string id;
    std::uint64_t record_id = 0;
    std::size_t hash = 0;
    bool indexed = false;  // false once removed or re-added to another slot
  };
  struct Bucket {
    std::size_t hash = 0;
    std::uint32_t slot = kFree;  // index into ring_
  };

  // The bucket holding `id`, or buckets_.size() when it is not indexed.
  std::size_t find(std::string_view id, std::size_t hash) const;
  void index(std::uint32_t slot);
  void unindex(std::size_t bucket);
  void grow();

  std::size_t size_;
  std::vector<Entry> ring_;  // grows to size_, then its slots are overwritten in turn
  std::size_t next_ = 0;
  std::size_t indexed_ = 0;
  std::vector<Bucket> buckets_;  // a power of two, at most three quarters used
};

}  // namespace artemis::core
