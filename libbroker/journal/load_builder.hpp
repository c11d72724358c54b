#pragma once
// Builds the caller's view of a replayed journal (LoadResult): live records in append order,
// prepared transactions, the highest id seen. Fed record by record by recovery, in file order.
// Thread: whichever thread runs load().
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "journal/journal.hpp"
#include "journal/record_format.hpp"

namespace artemis::journal {

class LoadBuilder {
 public:
  void apply(const RecordView& record);
  // Moves the result out; unprepared open transactions are counted in `discarded`.
  void finish(LoadResult& out, std::vector<std::pair<std::uint64_t, std::size_t>>& discarded);

 private:
  struct TxOp {
    RecordType type;
    RecordInfo info;
  };
  struct Tx {
    std::vector<TxOp> ops;
    bool prepared = false;
    std::vector<std::uint8_t> extra;
  };

  void add(RecordInfo info);
  void update(RecordInfo info);
  void remove(std::uint64_t id);

  std::vector<std::optional<RecordInfo>> entries_;
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> live_;  // id -> entries_
  std::unordered_map<std::uint64_t, Tx> txs_;
  std::vector<std::uint64_t> tx_order_;  // first-seen order, so prepared output is stable
  std::uint64_t max_id_ = 0;
};

}  // namespace artemis::journal
