// Random operation sequences (plain and transactional records, prepare/commit/rollback,
// records too large for a file, restarts) against an in-memory model of what a load must
// return. Small files make rolls, reclaim and pool reuse happen constantly.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <optional>

#include "journal/errors.hpp"
#include "journal_test_util.hpp"

using namespace artemis::journal;
using namespace artemis::journal::test;

namespace {

struct Entry {
  std::uint64_t id;
  bool is_update;
  std::uint8_t user_type;
  std::vector<std::uint8_t> data;
  bool operator==(const Entry&) const = default;
};

struct ModelTx {
  struct Op {
    char kind;  // 'a' add, 'u' update, 'd' delete
    Entry entry;
  };
  std::vector<Op> ops;
  bool prepared = false;
  bool broken = false;  // a record was refused: commit must fail
  std::vector<std::uint8_t> extra;
};

// What a load must return: live entries in effect order, prepared transactions.
struct Model {
  std::vector<std::optional<Entry>> entries;
  std::map<std::uint64_t, std::vector<std::size_t>> live;
  std::map<std::uint64_t, ModelTx> txs;

  void add(Entry e) {
    remove(e.id);
    live[e.id].push_back(entries.size());
    entries.emplace_back(std::move(e));
  }
  void update(Entry e) {
    auto it = live.find(e.id);
    if (it == live.end()) return;
    it->second.push_back(entries.size());
    entries.emplace_back(std::move(e));
  }
  void remove(std::uint64_t id) {
    auto it = live.find(id);
    if (it == live.end()) return;
    for (auto i : it->second) entries[i].reset();
    live.erase(it);
  }
  void commit(std::uint64_t tx) {
    for (auto& op : txs[tx].ops) {
      if (op.kind == 'a') add(op.entry);
      else if (op.kind == 'u') update(op.entry);
      else remove(op.entry.id);
    }
    txs.erase(tx);
  }
  std::vector<Entry> expected() const {
    std::vector<Entry> out;
    for (auto& e : entries) {
      if (e) out.push_back(*e);
    }
    return out;
  }
};

class Runner {
 public:
  explicit Runner(std::uint64_t seed) : rng_(seed) {
    options_ = small_options(dir_.path(), 4096 + 512 * (seed % 4));
    options_.pool_files = static_cast<int>(seed % 3) * 3 - 1;  // -1, 2, 5
    // Half the sequences compact eagerly, so compactions overlap appends, transactions and
    // restarts (a restart mid-compaction leaves the marker for the next load to finish).
    options_.compact_min_files = seed % 2 == 0 ? 2 : 0;
    options_.compact_percentage = 90;
  }

  // Returns how many compactions completed.
  std::uint64_t run(int ops) {
    open();
    for (int i = 0; i < ops; ++i) step();
    restart();
    journal_->close();
    compactions_ += journal_->stats().compactions;
    return compactions_;
  }

 private:
  std::uint64_t pick_live() {
    auto it = model_.live.begin();
    std::advance(it, static_cast<long>(rng_() % model_.live.size()));
    return it->first;
  }
  std::vector<std::uint8_t> payload() {
    const auto roll = rng_() % 100;
    const std::size_t n = roll == 0 ? options_.file_size : roll < 10 ? rng_() % 1200 : rng_() % 64;
    return random_bytes(rng_, n);
  }
  bool too_large(std::size_t n, bool tx) const {
    return n + 28 + (tx ? 8 : 0) > options_.file_size - 32;
  }
  Completion expect(bool ok) {
    const auto n = issued_++;
    return [this, n, ok](std::error_code ec) {
      CHECK(n == completed_);
      CHECK_MESSAGE(static_cast<bool>(ec) != ok, ec.message());
      ++completed_;
    };
  }

  void step() {
    const auto roll = rng_() % 100;
    const auto sync = rng_() % 2 ? Sync::yes : Sync::no;
    const std::uint8_t ut = static_cast<std::uint8_t>(rng_() % 60);
    if (roll < 30 || model_.live.empty()) {
      auto data = payload();
      const auto id = next_id_++;
      const bool big = too_large(data.size(), false);
      journal_->append_add(id, ut, data, sync, expect(!big));
      if (!big) model_.add(Entry{id, false, ut, std::move(data)});
    } else if (roll < 45) {
      auto data = payload();
      const auto id = pick_live();
      const bool big = too_large(data.size(), false);
      journal_->append_update(id, ut, data, sync, expect(!big));
      if (!big) model_.update(Entry{id, true, ut, std::move(data)});
    } else if (roll < 58) {
      const auto id = pick_live();
      journal_->append_delete(id, sync, expect(true));
      model_.remove(id);
    } else if (roll < 88) {
      tx_step(sync, ut);
    } else if (roll < 90) {
      restart();
    } else {
      // Let the writer catch up now and then so batches have varied shapes.
      REQUIRE_FALSE(flush(*journal_, loop_));
    }
  }

  void tx_step(Sync sync, std::uint8_t ut) {
    if (model_.txs.empty() || rng_() % 6 == 0) model_.txs[next_id_++];
    auto it = model_.txs.begin();
    std::advance(it, static_cast<long>(rng_() % model_.txs.size()));
    const auto tx = it->first;
    auto& mtx = it->second;
    const auto roll = rng_() % 10;
    if (mtx.prepared || roll >= 7) {
      if (!mtx.prepared && rng_() % 3 == 0) {
        auto extra = random_bytes(rng_, rng_() % 20);
        journal_->append_prepare(tx, extra, sync, expect(!mtx.broken));
        if (!mtx.broken) {
          mtx.prepared = true;
          mtx.extra = std::move(extra);
        } else {
          model_.txs.erase(tx);
        }
      } else if (rng_() % 4 == 0) {
        journal_->append_rollback(tx, sync, expect(true));
        model_.txs.erase(tx);
      } else {
        journal_->append_commit(tx, sync, expect(!mtx.broken));
        if (mtx.broken) model_.txs.erase(tx);
        else model_.commit(tx);
      }
      return;
    }
    if (roll < 4 || model_.live.empty()) {
      auto data = payload();
      const auto id = next_id_++;
      journal_->append_add_tx(tx, id, ut, data);
      if (too_large(data.size(), true)) mtx.broken = true;
      else mtx.ops.push_back({'a', Entry{id, false, ut, std::move(data)}});
    } else if (roll < 6) {
      auto data = payload();
      const auto id = pick_live();
      journal_->append_update_tx(tx, id, ut, data);
      if (too_large(data.size(), true)) mtx.broken = true;
      else mtx.ops.push_back({'u', Entry{id, true, ut, std::move(data)}});
    } else {
      const auto id = pick_live();
      journal_->append_delete_tx(tx, id);
      mtx.ops.push_back({'d', Entry{id, false, 0, {}}});
    }
  }

  void open() {
    journal_ = make_journal(options_, loop_.poster(), quiet_logger());
    LoadResult r;
    REQUIRE_FALSE(journal_->load(r));
    CHECK(r.dropped_tail_bytes == 0);
    const auto want = model_.expected();
    std::vector<Entry> got;
    for (auto& rec : r.records) got.push_back(Entry{rec.id, rec.is_update, rec.user_type, rec.data});
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) REQUIRE(got[i] == want[i]);
    std::size_t prepared = 0;
    for (auto& [tx, mtx] : model_.txs) prepared += mtx.prepared;
    REQUIRE(r.prepared.size() == prepared);
    for (auto& p : r.prepared) {
      auto it = model_.txs.find(p.tx_id);
      REQUIRE(it != model_.txs.end());
      REQUIRE(it->second.prepared);
      CHECK(p.extra == it->second.extra);
      std::vector<Entry> recs;
      std::vector<std::uint64_t> deletes;
      for (auto& op : it->second.ops) {
        if (op.kind == 'd') deletes.push_back(op.entry.id);
        else recs.push_back(op.entry);
      }
      CHECK(p.deletes == deletes);
      REQUIRE(p.records.size() == recs.size());
      for (std::size_t i = 0; i < recs.size(); ++i) {
        CHECK(Entry{p.records[i].id, p.records[i].is_update, p.records[i].user_type, p.records[i].data} ==
              recs[i]);
      }
    }
    CHECK(r.max_id < next_id_);
  }

  void restart() {
    REQUIRE_FALSE(flush(*journal_, loop_));
    REQUIRE(loop_.run_until([&] { return completed_ == issued_; }));
    journal_->close();
    compactions_ += journal_->stats().compactions;
    // Open transactions that were not prepared die with the process.
    for (auto it = model_.txs.begin(); it != model_.txs.end();) {
      it = it->second.prepared ? std::next(it) : model_.txs.erase(it);
    }
    open();
  }

  TempDir dir_;
  Loop loop_;
  Options options_;
  std::mt19937_64 rng_;
  std::unique_ptr<Journal> journal_;
  Model model_;
  std::uint64_t next_id_ = 1;
  std::uint64_t issued_ = 0;
  std::uint64_t completed_ = 0;
  std::uint64_t compactions_ = 0;
};

}  // namespace

TEST_CASE("journal: 1000 random operation sequences recover exactly the model") {
  std::uint64_t compactions = 0;
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    CAPTURE(seed);
    Runner runner(seed);
    compactions += runner.run(40 + static_cast<int>(seed % 7) * 20);
  }
  MESSAGE("compactions completed across the sequences: ", compactions);
  CHECK(compactions > 50);
}
