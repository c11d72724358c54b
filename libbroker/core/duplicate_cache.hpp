#pragma once
// Per-address duplicate-id cache (reference §5.8): a circular buffer of the last `size` ids.
// An id leaves only by being overwritten; each cached id has a journal record (when
// persist-id-cache is on) that is deleted when it is overwritten. Broker thread only.
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace artemis::core {

class DuplicateIdCache {
 public:
  explicit DuplicateIdCache(std::size_t size) : size_(size) {}
  bool contains(std::string_view id) const { return index_.find(id) != index_.end(); }
  // Adds id with its record id; returns the record id of the entry it overwrote (0: none).
  std::uint64_t add(std::string_view id, std::uint64_t record_id);
  // Forgets an id whose message was never stored (the store failed): a resend must pass.
  void remove(std::string_view id);
  std::size_t size() const { return index_.size(); }

 private:
  struct Entry {
    std::string id;
    std::uint64_t record_id = 0;
  };
  std::size_t size_;
  // A deque: growing it never moves an entry, so index_ can key on views of the entries' ids
  // (each id is stored once).
  std::deque<Entry> ring_;
  std::size_t next_ = 0;
  std::unordered_map<std::string_view, std::size_t> index_;
};

}  // namespace artemis::core
