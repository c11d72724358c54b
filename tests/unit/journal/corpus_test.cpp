// The damaged-journal corpus in tests/data/journal, written by an independent encoder
// (make_corpus.py) from the documented format: each case and what a load must return.
#include <doctest/doctest.h>

#include <set>

#include "journal/index.hpp"
#include "journal/recovery.hpp"
#include "journal_test_util.hpp"

using namespace artemis::journal;
using namespace artemis::journal::test;
namespace fs = std::filesystem;

namespace {

struct Loaded {
  std::set<std::uint64_t> ids;
  LoadResult result;
};

Loaded load_case(const std::string& name) {
  TempDir dir;
  const fs::path src = fs::path(ARTEMIS_JOURNAL_TEST_DATA) / name;
  REQUIRE(fs::is_directory(src));
  for (auto& e : fs::directory_iterator(src)) fs::copy_file(e.path(), dir.path() / e.path().filename());
  Index index;
  RecoveredFiles files;
  Loaded out;
  REQUIRE_FALSE(recover(small_options(dir.path(), 4096), quiet_logger(), index, out.result, files));
  for (auto& r : out.result.records) out.ids.insert(r.id);
  return out;
}

}  // namespace

TEST_CASE("journal: corpus torn-tail recovers the whole records before the tear") {
  auto l = load_case("torn-tail");
  CHECK(l.ids == std::set<std::uint64_t>{1, 2, 3, 4});
  CHECK(l.result.dropped_tail_bytes > 0);
  CHECK(std::string(l.result.records[0].data.begin(), l.result.records[0].data.end()) == "message-1");
}

TEST_CASE("journal: corpus bad-crc drops the damaged record and what follows") {
  CHECK(load_case("bad-crc").ids == std::set<std::uint64_t>{1, 2});
}

TEST_CASE("journal: corpus wrong-version is not read") {
  auto l = load_case("wrong-version");
  CHECK(l.ids.empty());
}

TEST_CASE("journal: corpus stale-recycled ignores the old incarnation") {
  auto l = load_case("stale-recycled");
  CHECK(l.ids == std::set<std::uint64_t>{10, 11});
  CHECK(l.result.dropped_tail_bytes == 0);
}

TEST_CASE("journal: corpus tx-outcomes applies commit, rollback, prepare and discards open") {
  auto l = load_case("tx-outcomes");
  CHECK(l.ids == std::set<std::uint64_t>{1, 20});
  REQUIRE(l.result.prepared.size() == 1);
  CHECK(l.result.prepared[0].tx_id == 102);
  REQUIRE(l.result.prepared[0].records.size() == 1);
  CHECK(l.result.prepared[0].records[0].id == 22);
  CHECK(std::string(l.result.prepared[0].extra.begin(), l.result.prepared[0].extra.end()) == "xid");
  CHECK(l.result.max_id == 103);
}
