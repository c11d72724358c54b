// A journal loaded on a full disk: it opens with the files it has (the last data file's room,
// free files, files reclaimed as they empty out), and only the append that needs a new file
// when there is none fails (disk_full, reported once through on_failure).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "gate_file_io.hpp"
#include "journal/errors.hpp"
#include "journal/journal.hpp"
#include "journal_test_util.hpp"
#include "support/log_capture.hpp"

using namespace artemis;
using namespace artemis::journal;
using namespace artemis::journal::test;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kPayload = 200;  // 228 bytes a record: 17 fill a 4 KiB file

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A journal in `dir` on a GateIo, with its failure reports.
struct DiskJournal {
  Loop loop;
  std::unique_ptr<Journal> journal;
  std::vector<std::error_code> failures;

  LoadResult loaded;
  std::error_code load_ec;

  DiskJournal(const fs::path& dir, std::shared_ptr<FileIo> io, const util::Logger& log) {
    auto o = small_options(dir);
    o.datasync = true;
    o.io = std::move(io);
    journal = make_journal(o, loop.poster(), log);
    journal->on_failure([this](std::error_code ec) { failures.push_back(ec); });
    load_ec = journal->load(loaded);
  }
  void add(std::uint64_t id, std::optional<std::error_code>& out, char fill = 'x') {
    const std::vector<std::uint8_t> payload(kPayload, static_cast<std::uint8_t>(fill));
    journal->append_add(id, 1, payload, Sync::yes, [&out](std::error_code ec) { out = ec; });
  }
  std::error_code add_wait(std::uint64_t id, char fill = 'x') {
    std::optional<std::error_code> result;
    add(id, result, fill);
    REQUIRE(loop.run_until([&] { return result.has_value(); }));
    return *result;
  }
  std::error_code delete_wait(std::uint64_t id) {
    std::optional<std::error_code> result;
    journal->append_delete(id, Sync::yes, [&result](std::error_code ec) { result = ec; });
    REQUIRE(loop.run_until([&] { return result.has_value(); }));
    return *result;
  }
};

std::vector<std::uint64_t> ids_of(const LoadResult& r) {
  std::vector<std::uint64_t> ids;
  for (const auto& rec : r.records) ids.push_back(rec.id);
  return ids;
}

std::vector<std::uint64_t> id_range(std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> out;
  for (auto id = first; id <= last; ++id) out.push_back(id);
  return out;
}

// Ids 1..25 with room to spare: the two files made at the first load are both data files
// (17 records in the first, 8 in the second) and no free file is left.
void fill_two_files(const fs::path& dir) {
  DiskJournal j(dir, nullptr, quiet_logger());
  REQUIRE_FALSE(j.load_ec);
  for (std::uint64_t id = 1; id <= 25; ++id) REQUIRE_FALSE(j.add_wait(id));
  CHECK(j.journal->stats().files == 2);
  j.journal->close();
  REQUIRE(dir_entries(dir).size() == 2);
}

// Appends adds from `id` on until one fails; returns how many were confirmed.
std::size_t add_until_failure(DiskJournal& j, std::uint64_t& id, std::error_code& failure) {
  std::size_t confirmed = 0;
  for (int n = 0; n < 200; ++n, ++id) {
    if (auto ec = j.add_wait(id); ec) {
      failure = ec;
      return confirmed;
    }
    ++confirmed;
  }
  FAIL("appends never failed on a full disk");
  return confirmed;
}

}  // namespace

TEST_CASE("journal: a load on a full disk opens with the files it has and appends into them") {
  TempDir dir;
  fill_two_files(dir.path());
  auto io = std::make_shared<GateIo>();
  io->full = true;
  test_support::LogCapture log(util::Level::warn);
  std::uint64_t id = 26;
  std::size_t confirmed = 0;
  {
    DiskJournal j(dir.path(), io, log.logger());
    REQUIRE_FALSE(j.load_ec);
    CHECK(ids_of(j.loaded) == id_range(1, 25));
    CHECK(occurrences(log.text(), "AMQ142013") == 1);
    CHECK(occurrences(log.text(), "AMQ142005") == 0);  // not an error yet: nothing needed a new file
    // The rest of the second file holds about nine more; then a new file is needed.
    std::error_code failure;
    confirmed = add_until_failure(j, id, failure);
    CHECK(confirmed >= 8);
    CHECK(confirmed <= 10);
    CHECK(failure == errc::disk_full);
    CHECK(j.add_wait(id + 1) == errc::journal_failed);
    // Posted after the failed round's completions: maybe not yet.
    REQUIRE(j.loop.run_until([&] { return !j.failures.empty(); }));
    j.loop.run_posted();
    CHECK(j.failures == std::vector<std::error_code>{errc::disk_full});
    j.journal->close();
  }
  CHECK(dir_entries(dir.path()).size() == 2);  // the failed creation left nothing behind
  // Room again: the reload tops the pool up and appends roll into new files.
  io->full = false;
  DiskJournal j(dir.path(), io, quiet_logger());
  REQUIRE_FALSE(j.load_ec);
  CHECK(ids_of(j.loaded) == id_range(1, 25 + confirmed));
  CHECK(j.journal->stats().files >= 3);
  for (std::uint64_t k = 0; k < 40; ++k) REQUIRE_FALSE(j.add_wait(1000 + k));
  CHECK(j.failures.empty());
}

TEST_CASE("journal: on a full disk a file emptied by deletes takes the roll that freed it") {
  TempDir dir;
  fill_two_files(dir.path());
  auto io = std::make_shared<GateIo>();
  io->full = true;
  DiskJournal j(dir.path(), io, quiet_logger());
  REQUIRE_FALSE(j.load_ec);
  // The journal thread is held inside the write of id 26, so the deletes that empty the first
  // file, the roll that frees it and the first record of the new file all meet in one round:
  // the new file must be the freed one, there is no room for another.
  io->hold(GateIo::Hold::write);
  std::optional<std::error_code> first;
  j.add(26, first);
  REQUIRE(io->wait_held());
  std::vector<std::optional<std::error_code>> results(17 + 10);
  for (std::uint64_t k = 1; k <= 17; ++k) {
    j.journal->append_delete(k, Sync::no, [&results, k](std::error_code e) { results[k - 1] = e; });
  }
  for (std::uint64_t k = 0; k < 10; ++k) j.add(27 + k, results[17 + k]);
  io->release();
  REQUIRE(j.loop.run_until([&] {
    const auto answered = [](auto& x) { return x.has_value(); };
    return first && std::all_of(results.begin(), results.end(), answered);
  }));
  CHECK_FALSE(*first);
  for (auto& result : results) CHECK_FALSE(*result);
  // The reused file fills; then nothing is free (ids 18.. still live in the second file).
  std::uint64_t id = 37;
  std::error_code failure;
  CHECK(add_until_failure(j, id, failure) >= 5);
  CHECK(failure == errc::disk_full);
  REQUIRE(j.loop.run_until([&] { return !j.failures.empty(); }));
  j.loop.run_posted();
  CHECK(j.failures == std::vector<std::error_code>{errc::disk_full});
  j.journal->close();
  io->full = false;
  DiskJournal reopened(dir.path(), io, quiet_logger());
  REQUIRE_FALSE(reopened.load_ec);
  CHECK(ids_of(reopened.loaded) == id_range(18, id - 1));
}

TEST_CASE("journal: on a full disk the last file's stale tail is zeroed before appends go on") {
  TempDir dir;
  fill_two_files(dir.path());
  auto io = std::make_shared<GateIo>();
  io->full = true;
  {
    // Two more records at the end of the second file; then the first of them is damaged, as
    // by a torn batch: the second is whole but follows the tear, so a load drops it, and it
    // must stay dropped whatever is appended there later.
    DiskJournal j(dir.path(), io, quiet_logger());
    REQUIRE_FALSE(j.load_ec);
    REQUIRE_FALSE(j.add_wait(26, 'T'));
    REQUIRE_FALSE(j.add_wait(27, 'S'));
    j.journal->close();
  }
  const std::string torn(kPayload, 'T'), stale(kPayload, 'S');
  auto file_holding = [&](const std::string& what) {
    for (const auto& p : dir_entries(dir.path())) {
      std::ifstream in(p, std::ios::binary);
      const std::string bytes{std::istreambuf_iterator<char>(in), {}};
      if (bytes.find(what) != std::string::npos) return std::make_pair(p, bytes);
    }
    return std::make_pair(fs::path{}, std::string{});
  };
  const auto [path, bytes] = file_holding(torn);
  REQUIRE_FALSE(path.empty());
  {
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(bytes.find(torn) + 10));
    f.put('!');
  }
  {
    DiskJournal j(dir.path(), io, quiet_logger());
    REQUIRE_FALSE(j.load_ec);
    CHECK(ids_of(j.loaded) == id_range(1, 25));
    CHECK(j.loaded.dropped_tail_bytes > 0);
    CHECK(file_holding(stale).first.empty());  // zeroed before anything was appended
    REQUIRE_FALSE(j.add_wait(28));
    j.journal->close();
  }
  DiskJournal reopened(dir.path(), nullptr, quiet_logger());
  REQUIRE_FALSE(reopened.load_ec);
  auto want = id_range(1, 25);
  want.push_back(28);
  CHECK(ids_of(reopened.loaded) == want);
  CHECK(reopened.loaded.dropped_tail_bytes == 0);
}

// Adds each record and deletes the one before: only the newest add is live, so a roll frees the
// file before the one it leaves (whose last add is still live) and nothing else. Each call is one
// round of the journal thread (held in a write while the rest is queued), so a roll's release
// and the first record of the file it needs always meet in one round, as under load; otherwise
// the release could be taken alone and fill the pool before the roll needs a file.
struct Churn {
  DiskJournal& j;
  GateIo& io;
  std::uint64_t live;
  void operator()(std::uint64_t pairs) {
    std::vector<std::optional<std::error_code>> results(2 * pairs);
    io.hold(GateIo::Hold::write);
    for (std::uint64_t n = 0; n < pairs; ++n, ++live) {
      j.add(live + 1, results[2 * n]);
      if (n == 0) REQUIRE(io.wait_held());
      j.journal->append_delete(live, Sync::yes,
                               [&out = results[2 * n + 1]](std::error_code ec) { out = ec; });
    }
    io.release();
    REQUIRE(j.loop.run_until([&] {
      return std::all_of(results.begin(), results.end(), [](auto& r) { return r.has_value(); });
    }));
    for (const auto& r : results) REQUIRE_FALSE(*r);
  }
};

TEST_CASE("journal: a pool that cannot be topped up is reported once, and once when it can again") {
  TempDir dir;
  auto io = std::make_shared<GateIo>();
  test_support::LogCapture log(util::Level::info);
  DiskJournal j(dir.path(), io, log.logger());
  REQUIRE_FALSE(j.load_ec);
  REQUIRE_FALSE(j.add_wait(1));
  io->full = true;
  Churn churn{j, *io, 1};
  // The first roll takes the load's second file; each later one frees the file before, takes
  // it, and finds none to make: six rolls, each a failed top-up.
  for (int round = 0; round < 8; ++round) churn(15);
  CHECK(j.journal->stats().files == 2);
  CHECK(occurrences(log.text(), "AMQ142005") == 1);
  CHECK(occurrences(log.text(), "AMQ142014") == 0);
  io->full = false;
  churn(40);
  CHECK(j.journal->stats().files >= 3);
  CHECK(occurrences(log.text(), "AMQ142014") == 1);
  CHECK(log.contains("the journal can create files again ("));
  CHECK(occurrences(log.text(), "AMQ142005") == 1);
  CHECK(j.failures.empty());
}

TEST_CASE("journal: after a load on a full disk (AMQ142013) failed top-ups log nothing more") {
  TempDir dir;
  fill_two_files(dir.path());
  auto io = std::make_shared<GateIo>();
  io->full = true;
  test_support::LogCapture log(util::Level::info);
  DiskJournal j(dir.path(), io, log.logger());
  REQUIRE_FALSE(j.load_ec);
  for (std::uint64_t k = 1; k < 25; ++k) REQUIRE_FALSE(j.delete_wait(k));
  Churn churn{j, *io, 25};
  for (int round = 0; round < 8; ++round) churn(15);
  CHECK(j.journal->stats().files == 2);
  CHECK(occurrences(log.text(), "AMQ142013") == 1);
  CHECK(occurrences(log.text(), "AMQ142005") == 0);
  io->full = false;
  churn(40);
  CHECK(j.journal->stats().files >= 3);
  CHECK(occurrences(log.text(), "AMQ142014") == 1);
  CHECK(j.failures.empty());
}
