// StorageManager::on_critical_error: the first journal I/O failure reaches the server once, on
// the broker thread, after the failed sends' completions; nothing is confirmed after it.
#include <doctest/doctest.h>

#include <cerrno>
#include <memory>
#include <vector>

#include "journal/errors.hpp"
#include "journal/faulty_file_io.hpp"
#include "memory_journal.hpp"
#include "store/storage_manager.hpp"
#include "support/manual_scheduler.hpp"
#include "support/temp_dir.hpp"

using namespace artemis;
using namespace artemis::store;

namespace {

// Two memory journals the test can fail, behind one StorageManager.
struct FailingStore {
  std::shared_ptr<testing::MemoryDisk> bindings_disk = std::make_shared<testing::MemoryDisk>();
  std::shared_ptr<testing::MemoryDisk> messages_disk = std::make_shared<testing::MemoryDisk>();
  test_support::ManualScheduler broker;
  util::Logger log{stderr, util::Level::error};
  testing::MemoryJournal* bindings = nullptr;
  testing::MemoryJournal* messages = nullptr;
  std::unique_ptr<StorageManager> store;
  std::uint64_t queue = 0;

  FailingStore() {
    auto b = std::make_unique<testing::MemoryJournal>(bindings_disk, broker.poster());
    auto m = std::make_unique<testing::MemoryJournal>(messages_disk, broker.poster());
    bindings = b.get();
    messages = m.get();
    store = std::make_unique<StorageManager>(std::move(b), std::move(m), log);
    LoadedState st;
    REQUIRE_FALSE(store->load(st));
    queue = store->next_id();
    store->add_queue({queue, "orders", "orders"});
    broker.run_posted();
  }

  // Stores a durable message on the queue; its result lands in `out`.
  void send(std::optional<std::error_code>& out) {
    MessageRecord m;
    m.id = store->next_id();
    m.address = "orders";
    m.durable = true;
    m.body = "payload";
    const std::uint64_t queues[] = {queue};
    store->store_message(m, queues, std::nullopt, [&out](std::error_code ec) { out = ec; });
  }
};

}  // namespace

TEST_CASE("store: a journal failure is reported once, after the failed send's completion") {
  FailingStore s;
  std::vector<std::string> events;
  s.store->on_critical_error([&](std::error_code ec) {
    CHECK(ec == journal::errc::io_error);
    events.push_back("critical");
  });
  std::optional<std::error_code> before, failed, after;
  s.send(before);
  s.broker.run_posted();
  REQUIRE(before.has_value());
  CHECK_FALSE(*before);

  s.messages->fail_from_now(journal::errc::io_error);
  s.send(failed);
  s.broker.run_posted();
  REQUIRE(failed.has_value());
  CHECK(*failed);  // an error, never success
  REQUIRE(events.size() == 1);

  // Later sends keep failing; the other journal failing too is not a second report.
  s.bindings->fail_from_now(journal::errc::disk_full);
  s.send(after);
  s.store->add_queue({s.store->next_id(), "more", "more"});
  s.broker.run_posted();
  REQUIRE(after.has_value());
  CHECK(*after);
  CHECK(events.size() == 1);
  CHECK(s.store->critical_error() == journal::errc::io_error);
}

TEST_CASE("store: a failure before the handler is installed is reported at installation") {
  FailingStore s;
  s.messages->fail_from_now(journal::errc::disk_full);
  std::optional<std::error_code> failed;
  s.send(failed);
  s.broker.run_posted();
  CHECK(failed.has_value());
  int reports = 0;
  s.store->on_critical_error([&](std::error_code ec) {
    CHECK(ec == journal::errc::disk_full);
    ++reports;
  });
  CHECK(reports == 1);
  s.store->on_critical_error([&](std::error_code) { ++reports; });  // already reported
  CHECK(reports == 1);
}

TEST_CASE("store: nothing is reported after close") {
  FailingStore s;
  int reports = 0;
  s.store->on_critical_error([&](std::error_code) { ++reports; });
  s.messages->fail_from_now(journal::errc::io_error);
  std::optional<std::error_code> failed;
  s.send(failed);
  s.store->close();
  s.broker.run_posted();
  CHECK(reports == 0);
}

TEST_CASE("store: a failed fdatasync of the real journal fails the send and is reported once") {
  test_support::TempDir dir;
  test_support::ManualScheduler broker({.wait_limit = std::chrono::seconds(30)});
  util::Logger log{stderr, util::Level::error};
  auto io = std::make_shared<journal::FaultyFileIo>();
  auto options = [&](const char* sub, std::shared_ptr<journal::FileIo> file_io) {
    journal::Options o;
    o.directory = dir.path() / sub;
    o.file_size = 64 * 1024;
    o.io = std::move(file_io);
    return o;
  };
  // Only the message journal's device fails (the bindings journal syncs concurrently).
  StorageManager store(journal::make_journal(options("bindings", nullptr), broker.poster(), log),
                       journal::make_journal(options("journal", io), broker.poster(), log), log);
  LoadedState st;
  REQUIRE_FALSE(store.load(st));
  std::vector<std::error_code> reports;
  store.on_critical_error([&](std::error_code ec) { reports.push_back(ec); });
  const std::uint64_t queue = store.next_id();
  store.add_queue({queue, "orders", "orders"});

  auto send = [&](std::optional<std::error_code>& out) {
    MessageRecord m;
    m.id = store.next_id();
    m.address = "orders";
    m.durable = true;
    m.body = "payload";
    const std::uint64_t queues[] = {queue};
    store.store_message(m, queues, std::nullopt, [&out](std::error_code ec) { out = ec; });
  };
  std::optional<std::error_code> ok, failed, later;
  send(ok);
  REQUIRE(broker.run_until([&] { return ok.has_value(); }));
  CHECK_FALSE(*ok);
  io->arm(journal::FaultyFileIo::Op::datasync, 1, EIO);
  send(failed);
  REQUIRE(broker.run_until([&] { return failed.has_value() && !reports.empty(); }));
  CHECK(*failed == journal::errc::io_error);
  send(later);
  REQUIRE(broker.run_until([&] { return later.has_value(); }));
  CHECK(*later == journal::errc::journal_failed);
  broker.run_posted();
  CHECK(reports == std::vector<std::error_code>{journal::errc::io_error});
  store.close();
}
