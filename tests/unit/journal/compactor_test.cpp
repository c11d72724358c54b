#include "journal/compactor.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <set>

#include "journal/compact_marker.hpp"
#include "journal_test_util.hpp"

using namespace artemis::journal;
using namespace artemis::journal::test;
namespace fs = std::filesystem;

namespace {

std::size_t journal_files(const fs::path& dir) {
  std::size_t n = 0;
  for (auto& e : fs::directory_iterator(dir)) n += e.path().extension() == ".amq";
  return n;
}

}  // namespace

TEST_CASE("journal: compaction packs sparse live records into fewer files while appends go on") {
  TempDir dir;
  Loop loop;
  auto o = small_options(dir.path());
  o.pool_files = 4;
  o.compact_min_files = 4;
  o.compact_percentage = 30;
  auto j = make_journal(o, loop.poster(), quiet_logger());
  LoadResult r;
  REQUIRE_FALSE(j->load(r));
  std::vector<std::uint8_t> payload(200, 1);
  std::set<std::uint64_t> kept;
  std::uint64_t id = 1;
  // Every 15th record stays live (and gets an update); the rest are deleted a little later,
  // so each file keeps a few live records and reclaim alone cannot free it.
  for (int i = 0; i < 1500 && j->stats().compactions < 2; ++i, ++id) {
    j->append_add(id, 45, payload, Sync::no, {});
    if (id % 15 == 0) {
      kept.insert(id);
      j->append_update(id, 32, bytes_of("ref"), Sync::no, {});
    }
    if (id > 3 && (id - 3) % 15 != 0) j->append_delete(id - 3, Sync::no, {});
    if (i % 20 == 0) REQUIRE_FALSE(flush(*j, loop));
  }
  REQUIRE_FALSE(flush(*j, loop));
  REQUIRE(loop.run_until([&] { return j->stats().compactions >= 1; }));
  // Two more rounds: the swap and the release of the compacted files run after the round
  // that completed the first flush.
  REQUIRE_FALSE(flush(*j, loop));
  REQUIRE_FALSE(flush(*j, loop));
  // Files written while the last compaction ran stay until a later roll reclaims or compacts
  // them (how many depends on how slow that compaction was). Short-lived records roll files
  // until that has happened; bounded, so a journal that never compacts fails the check below.
  // The bound is time, not a count of records: a compaction started here pauses reclaim until
  // it ends, and on a loaded machine thousands of records may be appended before it does.
  // Down to 30, not 40: the reload below may add a free file to the ones counted here.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int n = 0; j->stats().files >= 30 && std::chrono::steady_clock::now() < deadline;
       ++n, ++id) {
    j->append_add(id, 45, payload, Sync::no, {});
    j->append_delete(id, Sync::no, {});
    if (n % 20 == 0) REQUIRE_FALSE(flush(*j, loop));
  }
  REQUIRE_FALSE(flush(*j, loop));
  REQUIRE_FALSE(flush(*j, loop));
  const auto stats = j->stats();
  MESSAGE("compactions: ", stats.compactions, ", last pause: ", stats.last_compaction_pause_us, " us");
  // Without compaction ~1500 records of ~230 bytes leave ~95 files each pinned by a record or
  // two; with it the sealed files stay near live bytes / 30 %.
  CHECK(stats.files < 40);
  j->close();
  CHECK_FALSE(fs::exists(marker_path(dir.path(), o.prefix)));
  auto j2 = make_journal(o, loop.poster(), quiet_logger());
  REQUIRE_FALSE(j2->load(r));
  std::set<std::uint64_t> adds;
  std::size_t updates = 0;
  for (auto& rec : r.records) {
    if (rec.is_update) ++updates;
    else adds.insert(rec.id);
  }
  // The last two ids are still waiting for their delete.
  for (auto k : kept) CHECK(adds.count(k) == 1);
  CHECK(adds.size() <= kept.size() + 3);
  CHECK(updates == kept.size());
  CHECK(journal_files(dir.path()) < 40);
  j2->close();
}

TEST_CASE("journal: a committed compaction marker is finished at load, an uncommitted one is not") {
  TempDir dir;
  const auto d = dir.path();
  auto touch = [&](const std::string& name) { std::ofstream(d / name) << "x"; };
  // Committed: the old file (no valid header here, so it is left alone) and a new .cmp.
  touch("activemq-data-7.amq.cmp");
  touch("activemq-data-8.amq.cmp.tmp");
  CompactMarker m;
  m.new_files = {"activemq-data-7.amq"};
  REQUIRE_FALSE(write_marker(d, "activemq-data", m));
  REQUIRE_FALSE(finish_interrupted_compaction(d, "activemq-data", "amq", quiet_logger()));
  CHECK(fs::exists(d / "activemq-data-7.amq"));
  CHECK_FALSE(fs::exists(d / "activemq-data-7.amq.cmp"));
  CHECK_FALSE(fs::exists(d / "activemq-data-8.amq.cmp.tmp"));
  CHECK_FALSE(fs::exists(marker_path(d, "activemq-data")));
  // A damaged marker (no CRC line) commits nothing: the .cmp output is discarded.
  touch("activemq-data-9.amq.cmp");
  std::ofstream(marker_path(d, "activemq-data")) << "new activemq-data-9.amq.cmp\n";
  REQUIRE_FALSE(finish_interrupted_compaction(d, "activemq-data", "amq", quiet_logger()));
  CHECK_FALSE(fs::exists(d / "activemq-data-9.amq"));
  CHECK_FALSE(fs::exists(d / "activemq-data-9.amq.cmp"));
}
