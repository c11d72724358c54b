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
#include <unordered_map>
#include <vector>

#include "journal/record_format.hpp"

namespace artemis::journal {

struct Loc {
  std::uint64_t seq = 0;     // file sequence
  std::uint32_t offset = 0;  // record start in the file
  std::uint32_t size = 0;    // encoded record size
};

// Where one live record's add and updates sit. A queued message has two (its add and one
// add-ref update) and there are hundreds of thousands of them: two live inline, more in a list
// allocated only when needed (a node here costs 64 bytes instead of the 96 of a vector's
// node and heap block).
class LocList {
 public:
  LocList() = default;
  LocList(LocList&&) noexcept = default;
  LocList& operator=(LocList&&) noexcept = default;

  void push_back(Loc loc) {
    for (auto& slot : inline_) {
      if (slot.size == 0) {
        slot = loc;
        return;
      }
    }
    if (!more_) more_ = std::make_unique<std::vector<Loc>>();
    more_->push_back(loc);
  }
  // Visits every location in the order added; fn may change them (compaction moves records).
  template <class Fn>
  void for_each(Fn&& fn) {
    for (auto& slot : inline_)
      if (slot.size != 0) fn(slot);
    if (more_)
      for (auto& loc : *more_) fn(loc);
  }
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (const auto& slot : inline_)
      if (slot.size != 0) fn(slot);
    if (more_)
      for (const auto& loc : *more_) fn(loc);
  }

 private:
  Loc inline_[2];  // size 0 = unused: no journal record is empty
  std::unique_ptr<std::vector<Loc>> more_;
};

struct FileAccount {
  std::uint64_t live_records = 0;
  std::uint64_t live_bytes = 0;
  std::uint64_t used_bytes = 0;
  std::map<std::uint64_t, std::uint32_t> protects;  // file seq -> cancelled records there
};

class Index {
 public:
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
  // The entry of an id that has none (after kill_record), from a spare node when there is one.
  LocList& new_record(std::uint64_t id);
  void retire(std::unordered_map<std::uint64_t, Tx>::iterator tx);

  std::map<std::uint64_t, FileAccount> files_;
  std::unordered_map<std::uint64_t, LocList> records_;  // add, then its updates
  std::unordered_map<std::uint64_t, Tx> txs_;
  // An ended transaction's node, kept for the next one: every durable send is a transaction,
  // so reusing it spares two allocations per message (the node and its ops vector).
  std::unordered_map<std::uint64_t, Tx>::node_type spare_tx_;
  // Nodes of dead records, reused by new ones: messages come and go at the same pace.
  std::vector<std::unordered_map<std::uint64_t, LocList>::node_type> spare_records_;
  static constexpr std::size_t kMaxSpareRecords = 256;
};

}  // namespace artemis::journal
