// Damaged journals: every cut of the last file inside its last records, a flipped byte in
// any record, missing and foreign files. Load must return exactly the records that were
// wholly written before the damage and nothing else, and never crash.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "journal/index.hpp"
#include "journal/journal_file.hpp"
#include "journal/recovery.hpp"
#include "journal_test_util.hpp"

using namespace artemis::journal;
using namespace artemis::journal::test;
namespace fs = std::filesystem;

namespace {

struct Placed {
  fs::path file;
  std::uint64_t seq;
  std::uint32_t offset;
  std::uint32_t size;
  std::uint64_t id;
};

// Writes `count` adds (ids 1..count) with random sizes, returns where each landed.
std::vector<Placed> build(const fs::path& dir, int count, std::uint64_t file_size) {
  Loop loop;
  auto o = small_options(dir, file_size);
  o.pool_files = -1;
  auto j = make_journal(o, loop.poster(), quiet_logger());
  LoadResult r;
  REQUIRE_FALSE(j->load(r));
  std::mt19937_64 rng(3);
  for (int i = 1; i <= count; ++i) {
    j->append_add(static_cast<std::uint64_t>(i), 45, random_bytes(rng, 20 + rng() % 180), Sync::yes, {});
  }
  REQUIRE_FALSE(flush(*j, loop));
  j->close();
  std::vector<Placed> placed;
  for (auto& e : fs::directory_iterator(dir)) {
    JournalFile f;
    REQUIRE_FALSE(JournalFile::open(e.path(), f));
    std::vector<std::uint8_t> bytes;
    REQUIRE_FALSE(f.read_all(bytes));
    std::string why;
    auto h = decode_file_header(bytes, why);
    REQUIRE(h);
    if (h->state != FileState::data) continue;
    scan_file(bytes, h->seq, [&](const RecordView& rec, Loc loc) {
      placed.push_back(Placed{e.path().filename(), h->seq, loc.offset, loc.size, rec.id});
    });
  }
  std::sort(placed.begin(), placed.end(), [](auto& a, auto& b) { return a.id < b.id; });
  REQUIRE(placed.size() == static_cast<std::size_t>(count));
  return placed;
}

std::set<std::uint64_t> recovered_ids(const fs::path& dir, std::size_t* dropped = nullptr) {
  Index index;
  LoadResult result;
  RecoveredFiles files;
  auto o = small_options(dir, 8192);
  REQUIRE_FALSE(recover(o, quiet_logger(), index, result, files));
  if (dropped) *dropped = result.dropped_tail_bytes;
  std::set<std::uint64_t> ids;
  for (auto& r : result.records) ids.insert(r.id);
  return ids;
}

void copy_dir(const fs::path& from, const fs::path& to) {
  fs::remove_all(to);
  fs::create_directories(to);
  for (auto& e : fs::directory_iterator(from)) fs::copy_file(e.path(), to / e.path().filename());
}

void patch(const fs::path& file, std::uint64_t offset, std::span<const std::uint8_t> bytes) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST_CASE("journal: a last file cut at every byte of its last records recovers exactly the whole records") {
  TempDir dir;
  const auto src = dir.path() / "src";
  const auto work = dir.path() / "work";
  const auto placed = build(src, 60, 8192);
  const auto last_seq = placed.back().seq;
  std::vector<Placed> in_last;
  for (auto& p : placed) {
    if (p.seq == last_seq) in_last.push_back(p);
  }
  REQUIRE(in_last.size() >= 5);
  const auto& first_cut = in_last[in_last.size() - 5];
  const auto end = in_last.back().offset + in_last.back().size;
  const auto file = in_last.back().file;
  for (std::uint64_t cut = first_cut.offset; cut <= end; ++cut) {
    CAPTURE(cut);
    std::set<std::uint64_t> want;
    for (auto& p : placed) {
      if (p.seq != last_seq || p.offset + p.size <= cut) want.insert(p.id);
    }
    // Torn as zeros (the blocks never reached the disk) ...
    copy_dir(src, work);
    std::vector<std::uint8_t> zeros(end + kRecordHeaderSize - cut, 0);
    patch(work / file, cut, zeros);
    std::size_t dropped = 0;
    CHECK(recovered_ids(work, &dropped) == want);
    // ... and as a short file.
    copy_dir(src, work);
    fs::resize_file(work / file, cut);
    CHECK(recovered_ids(work) == want);
  }
}

TEST_CASE("journal: a flipped byte drops its record and the rest of that file only") {
  TempDir dir;
  const auto src = dir.path() / "src";
  const auto work = dir.path() / "work";
  const auto placed = build(src, 60, 8192);
  std::mt19937_64 rng(5);
  for (std::size_t i = 0; i < placed.size(); ++i) {
    const auto& victim = placed[i];
    std::vector<std::uint32_t> positions{0, 4, 8, 12, 20, victim.size - 1};
    if (i + 3 >= placed.size()) {
      positions.clear();
      for (std::uint32_t k = 0; k < victim.size; ++k) positions.push_back(k);
    }
    for (auto pos : positions) {
      CAPTURE(victim.id);
      CAPTURE(pos);
      copy_dir(src, work);
      std::vector<std::uint8_t> b(1);
      {
        std::ifstream in(work / victim.file, std::ios::binary);
        in.seekg(victim.offset + pos);
        in.read(reinterpret_cast<char*>(b.data()), 1);
      }
      b[0] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      patch(work / victim.file, victim.offset + pos, b);
      std::set<std::uint64_t> want;
      for (auto& p : placed) {
        if (p.seq != victim.seq || p.offset < victim.offset) want.insert(p.id);
      }
      std::size_t dropped = 0;
      CHECK(recovered_ids(work, &dropped) == want);
    }
  }
}

TEST_CASE("journal: missing, foreign and half-created files do not stop a load") {
  TempDir dir;
  const auto placed = build(dir.path(), 150, 8192);
  std::set<fs::path> data_files;
  for (auto& p : placed) data_files.insert(p.file);
  REQUIRE(data_files.size() >= 3);
  // Lose a middle file: the others still load.
  const auto missing = *std::next(data_files.begin());
  fs::remove(dir.path() / missing);
  // A garbage file under a journal name, a file being created and a stray file.
  {
    std::ofstream(dir.path() / "activemq-data-999.amq") << "not a journal file at all";
    std::ofstream(dir.path() / "activemq-data-1000.amq.tmp") << "half made";
    std::ofstream(dir.path() / "notes.txt") << "keep me";
  }
  std::set<std::uint64_t> want;
  for (auto& p : placed) {
    if (p.file != missing) want.insert(p.id);
  }
  Loop loop;
  auto j = make_journal(small_options(dir.path(), 8192), loop.poster(), quiet_logger());
  LoadResult r;
  REQUIRE_FALSE(j->load(r));
  std::set<std::uint64_t> got;
  for (auto& rec : r.records) got.insert(rec.id);
  CHECK(got == want);
  CHECK(fs::exists(dir.path() / "activemq-data-999.amq"));  // damaged: left for an operator
  CHECK_FALSE(fs::exists(dir.path() / "activemq-data-1000.amq.tmp"));
  CHECK(fs::exists(dir.path() / "notes.txt"));
  // New files never reuse a name that exists.
  j->append_add(5000, 1, bytes_of("after"), Sync::yes, {});
  REQUIRE_FALSE(flush(*j, loop));
  j->close();
  auto j2 = make_journal(small_options(dir.path(), 8192), loop.poster(), quiet_logger());
  REQUIRE_FALSE(j2->load(r));
  got.clear();
  for (auto& rec : r.records) got.insert(rec.id);
  want.insert(5000);
  CHECK(got == want);
  j2->close();
}

TEST_CASE("journal: random bytes in a data file never crash a load") {
  TempDir dir;
  const auto src = dir.path() / "src";
  const auto work = dir.path() / "work";
  const auto placed = build(src, 30, 8192);
  std::mt19937_64 rng(9);
  for (int round = 0; round < 200; ++round) {
    copy_dir(src, work);
    const auto& victim = placed[rng() % placed.size()];
    auto noise = random_bytes(rng, 1 + rng() % 64);
    const auto at = victim.offset + rng() % victim.size;
    patch(work / victim.file, at, noise);
    const auto ids = recovered_ids(work);
    for (auto& p : placed) {
      if (p.seq != victim.seq || p.offset + p.size <= victim.offset) CHECK(ids.count(p.id) == 1);
    }
  }
}
