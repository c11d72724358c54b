#include "journal/journal.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "journal/errors.hpp"
#include "journal/log_codes.hpp"
#include "journal_test_util.hpp"

using namespace artemis::journal;
using namespace artemis::journal::test;

namespace {

std::string text(const RecordInfo& r) { return std::string(r.data.begin(), r.data.end()); }

}  // namespace

TEST_CASE("journal: an empty directory loads empty and creates the minimum files") {
  TempDir dir;
  Loop loop;
  auto j = make_journal(small_options(dir.path() / "sub"), loop.poster(), quiet_logger());
  LoadResult r;
  REQUIRE_FALSE(j->load(r));
  CHECK(r.records.empty());
  CHECK(r.prepared.empty());
  CHECK(j->stats().files >= 2);
  j->close();
}

TEST_CASE("journal: add, update and delete survive a reopen in append order") {
  TempDir dir;
  Loop loop;
  {
    auto j = make_journal(small_options(dir.path()), loop.poster(), quiet_logger());
    LoadResult r;
    REQUIRE_FALSE(j->load(r));
    int completed = 0;
    auto done = [&](std::error_code ec) {
      CHECK_FALSE(ec);
      ++completed;
    };
    j->append_add(1, 45, bytes_of("one"), Sync::yes, done);
    j->append_add(2, 45, bytes_of("two"), Sync::no, done);
    j->append_update(1, 32, bytes_of("ref-q1"), Sync::yes, done);
    j->append_add(3, 45, bytes_of("three"), Sync::yes, done);
    j->append_delete(2, Sync::no, done);
    REQUIRE(loop.run_until([&] { return completed == 5; }));
    j->close();
  }
  auto j = make_journal(small_options(dir.path()), loop.poster(), quiet_logger());
  LoadResult r;
  REQUIRE_FALSE(j->load(r));
  REQUIRE(r.records.size() == 3);
  CHECK(text(r.records[0]) == "one");
  CHECK(r.records[1].is_update);
  CHECK(r.records[1].user_type == 32);
  CHECK(text(r.records[1]) == "ref-q1");
  CHECK(text(r.records[2]) == "three");
  CHECK(r.max_id == 3);
  j->close();
}

TEST_CASE("journal: transactions commit, roll back, and stay prepared across a reopen") {
  TempDir dir;
  Loop loop;
  {
    auto j = make_journal(small_options(dir.path()), loop.poster(), quiet_logger());
    LoadResult r;
    REQUIRE_FALSE(j->load(r));
    j->append_add(1, 45, bytes_of("base"), Sync::no, {});
    j->append_add_tx(100, 2, 45, bytes_of("committed"));
    j->append_delete_tx(100, 1);
    j->append_commit(100, Sync::yes, {});
    j->append_add_tx(101, 3, 45, bytes_of("rolled back"));
    j->append_rollback(101, Sync::yes, {});
    j->append_add_tx(102, 4, 45, bytes_of("prepared"));
    j->append_delete_tx(102, 2);
    j->append_prepare(102, bytes_of("xid"), Sync::yes, {});
    j->append_add_tx(103, 5, 45, bytes_of("open"));
    REQUIRE_FALSE(flush(*j, loop));
    j->close();
  }
  auto j = make_journal(small_options(dir.path()), loop.poster(), quiet_logger());
  LoadResult r;
  REQUIRE_FALSE(j->load(r));
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].id == 2);
  REQUIRE(r.prepared.size() == 1);
  CHECK(r.prepared[0].tx_id == 102);
  CHECK(std::string(r.prepared[0].extra.begin(), r.prepared[0].extra.end()) == "xid");
  REQUIRE(r.prepared[0].records.size() == 1);
  CHECK(r.prepared[0].records[0].id == 4);
  CHECK(r.prepared[0].deletes == std::vector<std::uint64_t>{2});
  CHECK(r.max_id == 103);
  // The prepared transaction can still be committed after the reopen.
  j->append_commit(102, Sync::yes, {});
  REQUIRE_FALSE(flush(*j, loop));
  j->close();
  auto j2 = make_journal(small_options(dir.path()), loop.poster(), quiet_logger());
  REQUIRE_FALSE(j2->load(r));
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].id == 4);
  CHECK(r.prepared.empty());
  j2->close();
}

TEST_CASE("journal: a record larger than a file fails at once, in order, without harm") {
  TempDir dir;
  Loop loop;
  auto j = make_journal(small_options(dir.path()), loop.poster(), quiet_logger());
  LoadResult r;
  REQUIRE_FALSE(j->load(r));
  std::vector<int> order;
  std::vector<std::error_code> codes;
  auto record = [&](int n) {
    return [&, n](std::error_code ec) {
      order.push_back(n);
      codes.push_back(ec);
    };
  };
  j->append_add(1, 1, bytes_of("a"), Sync::yes, record(1));
  j->append_add(2, 1, std::vector<std::uint8_t>(5000, 7), Sync::yes, record(2));
  j->append_add(3, 1, bytes_of("c"), Sync::yes, record(3));
  REQUIRE(loop.run_until([&] { return order.size() == 3; }));
  CHECK(order == std::vector<int>{1, 2, 3});
  CHECK_FALSE(codes[0]);
  CHECK(codes[1] == errc::record_too_large);
  CHECK_FALSE(codes[2]);
  j->close();
}

TEST_CASE("journal: concurrent appends share fdatasync rounds and complete in order") {
  TempDir dir;
  Loop loop;
  auto o = small_options(dir.path(), 1 << 20);
  o.datasync = true;
  auto j = make_journal(o, loop.poster(), quiet_logger());
  LoadResult r;
  REQUIRE_FALSE(j->load(r));
  int next = 0;
  bool in_order = true;
  const int n = 2000;
  std::vector<std::uint8_t> payload(100, 1);
  for (int i = 0; i < n; ++i) {
    j->append_add(static_cast<std::uint64_t>(i + 1), 1, payload, Sync::yes,
                  [&, i](std::error_code ec) {
                    CHECK_FALSE(ec);
                    in_order &= next == i;
                    ++next;
                  });
  }
  REQUIRE(loop.run_until([&] { return next == n; }));
  CHECK(in_order);
  CHECK(j->stats().batches < static_cast<std::uint64_t>(n) / 2);
  j->close();
}

TEST_CASE("journal: files whose records are all dead go back to the pool") {
  TempDir dir;
  Loop loop;
  auto o = small_options(dir.path());
  auto j = make_journal(o, loop.poster(), quiet_logger());
  LoadResult r;
  REQUIRE_FALSE(j->load(r));
  std::vector<std::uint8_t> payload(300, 3);
  for (std::uint64_t id = 1; id <= 2000; ++id) {
    j->append_add(id, 1, payload, Sync::no, {});
    if (id > 5) j->append_delete(id - 5, Sync::no, {});
    if (id % 100 == 0) REQUIRE_FALSE(flush(*j, loop));
  }
  REQUIRE_FALSE(flush(*j, loop));
  // 2000 records of 328 bytes would need ~190 files of 4 KiB; reclaim keeps a handful.
  CHECK(j->stats().files <= 8);
  j->close();
  std::size_t on_disk = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) on_disk += e.path().extension() == ".amq";
  CHECK(on_disk <= 8);
  auto j2 = make_journal(o, loop.poster(), quiet_logger());
  REQUIRE_FALSE(j2->load(r));
  REQUIRE(r.records.size() == 5);
  CHECK(r.records.front().id == 1996);
  j2->close();
}

TEST_CASE("journal: log codes are unique") {
  for (std::size_t i = 0; i < log_codes::kAll.size(); ++i) {
    for (std::size_t k = i + 1; k < log_codes::kAll.size(); ++k) {
      CHECK(log_codes::kAll[i]->id != log_codes::kAll[k]->id);
    }
  }
}

TEST_CASE("journal: a file size outside 4 KiB..4 GiB is refused at load") {
  TempDir dir;
  Loop loop;
  for (std::uint64_t size : {std::uint64_t{1024}, std::uint64_t{1} << 33}) {
    auto j = make_journal(small_options(dir.path(), size), loop.poster(), quiet_logger());
    LoadResult r;
    CHECK(j->load(r) == errc::bad_options);
    bool done = false;
    j->append_add(1, 1, bytes_of("x"), Sync::yes, [&](std::error_code ec) {
      CHECK(ec == errc::closed);
      done = true;
    });
    CHECK(loop.run_until([&] { return done; }));
  }
}
