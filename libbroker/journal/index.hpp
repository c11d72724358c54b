#pragma once
// The live-record index: where every live record and open transaction sits, per-file live
// counts and bytes, and which files must outlive which. It decides when a file's records are
// all dead so the file can go back to the pool, and feeds the compaction trigger.
//
// Thread: built by load, then owned by the broker thread (updated as appends are placed).
//
// Reclaim rule. A record that cancels others (delete, commit, rollback, an add replacing a live
// id) "protects" the files holding what it cancelled: dropping it while they remain would bring
// those records back at the next load. A file is reclaimable when it holds no live record and
// protects no file that is still present. Example: ADD 7 in file 3, DELETE 7 in file 5: file 3
// is reclaimable at once; file 5 only after file 3 is gone.
#include <cstdint>
#include <map>
#include <memory>
#include <memory_resource>
#include <unordered_map>
#include <vector>

#include "journal/record_format.hpp"

namespace artemis::journal {

struct Loc {
  std::uint64_t seq = 0;     // file sequence
  std::uint32_t offset = 0;  // record start in the file
  std::uint32_t size = 0;    // encoded record size
};

// Where one live record's add and first update sit. A queued message has two (its add and one
// add-ref update) and there are hundreds of thousands of them, so two live inline and a node
// is 48 bytes; the rare third and later locations (delivery-count updates) are in
// Index::more_locations_.
class LocList {
 public:
  // False when both slots are taken: the location belongs in the overflow.
  bool push_back(Loc loc) {
    for (auto& slot : slots_) {
      if (slot.size == 0) {
        slot = loc;
        return true;
      }
    }
    return false;
  }
  // Visits every location in the order added; fn may change them (compaction moves records).
  template <class Fn>
  void for_each(Fn&& fn) {
    for (auto& slot : slots_)
      if (slot.size != 0) fn(slot);
  }
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (const auto& slot : slots_)
      if (slot.size != 0) fn(slot);
  }

 private:
  Loc slots_[2];  // size 0 = unused: no journal record is empty
};

struct FileAccount {
  std::uint64_t live_records = 0;
  std::uint64_t live_bytes = 0;
  std::uint64_t used_bytes = 0;
  std::map<std::uint64_t, std::uint32_t> protects;  // file seq -> cancelled records there
};

class Index {
 public:
  Index() = default;
  // Its record nodes come from a pool it owns: never copied or moved (clear() starts over).
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  // Forgets every file, record and transaction.
  void clear();
  void add_file(std::uint64_t seq);

  void on_add(std::uint64_t id, Loc loc);
  void on_update(std::uint64_t id, Loc loc);
  void on_delete(std::uint64_t id, Loc loc);
  void on_tx_record(RecordType type, std::uint64_t tx_id, std::uint64_t id, Loc loc);
  void on_prepare(std::uint64_t tx_id, Loc loc);
  void on_commit(std::uint64_t tx_id, Loc loc);
  void on_rollback(std::uint64_t tx_id, Loc loc);
  // After load: open transactions that were never prepared are discarded (their records die).
  void drop_unprepared();

  // Files other than `current` that can be freed, oldest first, in an order where each file is
  // freed only after every file it protects; they are removed from the index.
  std::vector<std::uint64_t> take_reclaimable(std::uint64_t current);

  std::uint64_t live_bytes() const;
  std::uint64_t used_bytes() const;
  std::size_t file_count() const { return files_.size(); }
  const std::map<std::uint64_t, FileAccount>& files() const { return files_; }
  bool is_live(std::uint64_t id) const { return records_.count(id) != 0; }
  std::size_t live_count() const { return records_.size(); }
  std::size_t open_transactions() const { return txs_.size(); }

  // For compaction: every live record location in files with seq < `below`, and every open
  // transaction's locations there (prepare included), in file order.
  std::vector<Loc> live_locations_below(std::uint64_t below) const;
  // For compaction: moves locations in replaced files to their copies and drops the replaced
  // files; files that protected a replaced file now protect every new file.
  void relocate(const std::map<std::pair<std::uint64_t, std::uint32_t>, Loc>& moved,
                const std::vector<std::uint64_t>& replaced, const std::vector<std::uint64_t>& added);

 private:
  struct TxOp {
    RecordType type;
    std::uint64_t id;
    Loc loc;
  };
  struct Tx {
    std::vector<TxOp> ops;
    bool prepared = false;
    Loc prepare;
  };

  void count_live(Loc loc);
  void kill(Loc loc, std::uint64_t protector);
  void kill_record(std::uint64_t id, std::uint64_t protector);
  Tx& tx_for(std::uint64_t tx_id);
  // Adds a location to a live record's list.
  void add_location(std::uint64_t id, LocList& locs, Loc loc);
  // Visits every location of every live record (const or not, as `self` is).
  template <class Self, class Fn>
  static void for_each_record_location(Self& self, Fn&& fn) {
    for (auto& entry : self.records_) entry.second.for_each(fn);
    for (auto& entry : self.more_locations_)
      for (auto& loc : entry.second) fn(loc);
  }
  void retire(std::unordered_map<std::uint64_t, Tx>::iterator tx);

  std::map<std::uint64_t, FileAccount> files_;
  // A queued message is one record here and there are hundreds of thousands: their nodes come
  // from a pool, 48 bytes each without a heap block's header (64 from malloc), and a dead
  // record's node is reused by the next.
  std::pmr::unsynchronized_pool_resource record_pool_;
  std::pmr::unordered_map<std::uint64_t, LocList> records_{&record_pool_};  // add, then updates
  // A live record's locations past the two its LocList holds, in order.
  std::unordered_map<std::uint64_t, std::vector<Loc>> more_locations_;
  std::unordered_map<std::uint64_t, Tx> txs_;
  // An ended transaction's node, kept for the next one: every durable send is a transaction,
  // so reusing it spares two allocations per message (the node and its ops vector).
  std::unordered_map<std::uint64_t, Tx>::node_type spare_tx_;
};

}  // namespace artemis::journal
