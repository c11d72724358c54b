// Making journal files: a file takes its name before it exists, so the compactor, which
// reserves names from another thread meanwhile, never gets the same one; a creation that
// fails at any step leaves nothing under a journal name; only a full disk lets a load go on.
#include <doctest/doctest.h>

#include <cerrno>
#include <memory>
#include <thread>

#include "gate_file_io.hpp"
#include "journal/errors.hpp"
#include "journal/faulty_file_io.hpp"
#include "journal/writer_thread.hpp"
#include "journal_test_util.hpp"

using namespace artemis::journal;
using namespace artemis::journal::test;
namespace fs = std::filesystem;

TEST_CASE("journal: a file being created keeps its name from the compactor's reservations") {
  TempDir dir;
  Loop loop;
  auto io = std::make_shared<GateIo>();
  auto o = small_options(dir.path());
  o.io = io;
  WriterThread writer(o, loop.poster(), quiet_logger(), {}, {}, {}, 1,
                      std::make_shared<FailureListener>());
  // The pool's first file is held half made while the compactor reserves its output names.
  io->hold(GateIo::Hold::allocate);
  std::error_code ec;
  std::thread creator([&] { ec = writer.ensure_files(1); });
  const bool held = io->wait_held();
  const auto reserved = writer.reserve_names(2);
  io->release();
  creator.join();
  REQUIRE(held);
  REQUIRE_FALSE(ec);
  CHECK(fs::exists(dir.path() / "activemq-data-1.amq"));
  CHECK(reserved == 2);  // 1 is the file being made
  CHECK(writer.reserve_names(1) == 4);
}

TEST_CASE("journal: a failed file creation leaves nothing behind") {
  TempDir dir;
  Loop loop;
  auto io = std::make_shared<FaultyFileIo>();
  auto o = small_options(dir.path());
  o.datasync = true;
  o.io = io;
  std::error_code want;
  SUBCASE("the zero fill fails") {
    io->arm(FaultyFileIo::Op::write, 1, EIO);
    want = errc::io_error;
  }
  SUBCASE("the directory sync after the rename fails") {
    io->arm(FaultyFileIo::Op::fsync, 2, EIO);  // the first is the file's own fsync
    want = errc::io_error;
  }
  SUBCASE("the directory sync fails on a full disk") {
    io->arm(FaultyFileIo::Op::fsync, 2, ENOSPC, FaultyFileIo::Repeat::always);
    want = errc::disk_full;
  }
  {
    auto j = make_journal(o, loop.poster(), quiet_logger());
    std::vector<std::error_code> failures;
    j->on_failure([&](std::error_code ec) { failures.push_back(ec); });
    LoadResult r;
    const auto ec = j->load(r);
    CHECK(io->failures() == 1);
    if (want == errc::disk_full) {
      // Not even one file: the load goes on, and the first append has nowhere to go.
      REQUIRE_FALSE(ec);
      bool done = false;
      std::error_code appended;
      j->append_add(1, 1, bytes_of("one"), Sync::yes, [&](std::error_code e) {
        appended = e;
        done = true;
      });
      REQUIRE(loop.run_until([&] { return done && !failures.empty(); }));
      CHECK(appended == errc::disk_full);
      CHECK(failures == std::vector<std::error_code>{errc::disk_full});
    } else {
      CHECK(ec == want);  // any other error still fails the load
    }
    j->close();
  }
  CHECK(dir_entries(dir.path()).size() == 0);
  io->disarm();
  auto j = make_journal(o, loop.poster(), quiet_logger());
  LoadResult r;
  REQUIRE_FALSE(j->load(r));
  CHECK(dir_entries(dir.path()).size() == 2);
  j->close();
}
