// The journal's critical-I/O-error behaviour, driven through FaultyFileIo: a failed write, sync
// or file allocation fails its round's completions with the cause, every later append with
// journal_failed, reports the failure exactly once through on_failure (after the round's
// completions), and never loses what was confirmed before it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "journal/errors.hpp"
#include "journal/faulty_file_io.hpp"
#include "journal/journal.hpp"
#include "journal_test_util.hpp"

using namespace artemis::journal;
using namespace artemis::journal::test;

namespace {

using Op = FaultyFileIo::Op;

// A journal on a FaultyFileIo, with its failure reports and a log of events in the order the
// owner thread saw them ("done:<id>:<ok|error>", "failure").
struct FaultyJournal {
  TempDir dir;
  Loop loop;
  std::shared_ptr<FaultyFileIo> io = std::make_shared<FaultyFileIo>();
  std::unique_ptr<Journal> journal;
  std::vector<std::error_code> failures;
  std::vector<std::string> events;

  explicit FaultyJournal(std::uint64_t file_size = 4096, bool datasync = true) {
    auto o = small_options(dir.path(), file_size);
    o.datasync = datasync;
    o.io = io;
    journal = make_journal(o, loop.poster(), quiet_logger());
    journal->on_failure([this](std::error_code ec) {
      failures.push_back(ec);
      events.push_back("failure");
    });
    LoadResult r;
    REQUIRE_FALSE(journal->load(r));
  }

  // Appends an add with Sync::yes; the result lands in `out` (and the event log).
  void add(std::uint64_t id, std::optional<std::error_code>& out, std::size_t size = 64) {
    journal->append_add(id, 1, std::vector<std::uint8_t>(size, 'x'), Sync::yes,
                        [this, id, &out](std::error_code ec) {
                          out = ec;
                          events.push_back(fmt::format("done:{}:{}", id, ec ? "error" : "ok"));
                        });
  }
  std::error_code add_wait(std::uint64_t id, std::size_t size = 64) {
    std::optional<std::error_code> result;
    add(id, result, size);
    REQUIRE(loop.run_until([&] { return result.has_value(); }));
    return *result;
  }

  // Ids that a fresh journal without faults loads from the same directory.
  std::set<std::uint64_t> reload_ids() {
    journal->close();
    Loop fresh;
    auto j = make_journal(small_options(dir.path(), 4096), fresh.poster(), quiet_logger());
    LoadResult r;
    REQUIRE_FALSE(j->load(r));
    std::set<std::uint64_t> ids;
    for (auto& rec : r.records) ids.insert(rec.id);
    j->close();
    return ids;
  }
};

}  // namespace

TEST_CASE("journal: a failed fdatasync fails the batch, every later append, and reports once") {
  FaultyJournal f;
  CHECK_FALSE(f.add_wait(1));
  f.io->arm(Op::datasync, 1, EIO);
  std::optional<std::error_code> second, third;
  f.add(2, second);
  f.add(3, third);
  REQUIRE(f.loop.run_until([&] { return second && third && !f.failures.empty(); }));
  CHECK(*second == errc::io_error);  // the round whose sync failed
  CHECK(*third);                     // same round (io_error) or a later one (journal_failed)
  CHECK(f.add_wait(4) == errc::journal_failed);
  CHECK(f.add_wait(5) == errc::journal_failed);
  f.loop.run_posted();
  REQUIRE(f.failures.size() == 1);
  CHECK(f.failures[0] == errc::io_error);
  // The report follows the failed round's completions, so a handler that stops the server
  // finds the failed sends already answered.
  const auto failure_at = std::find(f.events.begin(), f.events.end(), "failure");
  const auto second_at = std::find(f.events.begin(), f.events.end(), "done:2:error");
  CHECK(second_at < failure_at);
  CHECK(f.io->failures() == 1);  // nothing was retried or written after it
  const auto ids = f.reload_ids();
  CHECK(ids.count(1) == 1);  // confirmed before the failure
  CHECK(ids.count(4) == 0);  // refused: never written
  CHECK(ids.count(5) == 0);
}

TEST_CASE("journal: EIO on a write fails the round with io_error and reports once") {
  FaultyJournal f;
  CHECK_FALSE(f.add_wait(1));
  const auto writes = f.io->calls(Op::write);
  f.io->arm(Op::write, 1, EIO, FaultyFileIo::Repeat::always);
  CHECK(f.add_wait(2) == errc::io_error);
  CHECK(f.add_wait(3) == errc::journal_failed);
  f.loop.run_posted();
  CHECK(f.failures == std::vector<std::error_code>{errc::io_error});
  CHECK(f.io->calls(Op::write) == writes + 1);  // the failed one; nothing written after it
  f.io->disarm();
  CHECK(f.reload_ids() == std::set<std::uint64_t>{1});
}

TEST_CASE("journal: ENOSPC once the file pool is exhausted fails with disk_full, reports once") {
  FaultyJournal f;  // 4 KiB files, two made at load
  f.io->arm(Op::allocate, 1, ENOSPC, FaultyFileIo::Repeat::always);
  std::set<std::uint64_t> confirmed;
  std::vector<std::error_code> errors;
  for (std::uint64_t id = 1; id <= 200 && errors.size() < 3; ++id) {
    if (auto ec = f.add_wait(id, 200)) errors.push_back(ec);
    else {
      CHECK(errors.empty());  // nothing is confirmed after the first failure
      confirmed.insert(id);
    }
  }
  REQUIRE(errors.size() == 3);
  CHECK(errors[0] == errc::disk_full);
  CHECK(errors[1] == errc::journal_failed);
  CHECK(confirmed.size() >= 20);  // both pre-made files filled first
  f.loop.run_posted();
  CHECK(f.failures == std::vector<std::error_code>{errc::disk_full});
  CHECK(f.io->calls(Op::allocate) >= 1);
  f.io->disarm();
  const auto ids = f.reload_ids();
  for (auto id : confirmed) CHECK(ids.count(id) == 1);
}

TEST_CASE("journal: without datasync a failed write still stops the journal") {
  FaultyJournal f(4096, /*datasync=*/false);
  f.io->arm(Op::write, 1, ENOSPC);
  CHECK(f.add_wait(1) == errc::disk_full);
  CHECK(f.add_wait(2) == errc::journal_failed);  // even though the next write would succeed
  f.loop.run_posted();
  CHECK(f.failures.size() == 1);
}

TEST_CASE("journal: a failure while closing is not reported after close") {
  FaultyJournal f;
  f.io->arm(Op::datasync, 1, EIO);
  std::optional<std::error_code> result;
  f.add(1, result);
  f.journal->close();  // drains the append: its sync fails on the way out
  f.loop.run_posted();
  REQUIRE(result.has_value());
  CHECK(*result == errc::io_error);
  CHECK(f.failures.empty());
}
