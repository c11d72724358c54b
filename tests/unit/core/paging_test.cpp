// Paging in the PostOffice (reference §5): past its limit an address writes messages to page
// files, the queue's cursor reads them back in order a window at a time, acks become cursor
// records, consumed pages are deleted, and a restart (or a torn page tail) loses nothing that
// was confirmed and brings back nothing that was acknowledged.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "fixtures.hpp"

using namespace artemis;
using namespace artemis::core;
using artemis::testing::CoreFixture;
using artemis::testing::RecordingHandler;

namespace {

namespace fs = std::filesystem;

struct PagingFixture : CoreFixture {
  explicit PagingFixture(std::int64_t read_window = -1, std::int64_t max_messages = 2) {
    config::AddressSetting s;
    s.match = "paged";
    s.max_size_messages = max_messages;
    s.max_read_page_messages = read_window;
    config.address_settings = {s};
    start();
    anycast_queue("paged");
  }

  // Sends bodies "first".."first+n-1", each once the one before completed.
  void send_numbers(int first, int n, bool durable = true) {
    for (int i = first; i < first + n; ++i) {
      bool done = false;
      po->send(message(std::to_string(i), durable), Destination::parse("paged"),
               [&](std::error_code ec) {
                 CHECK_FALSE(ec);
                 done = true;
               });
      REQUIRE(scheduler.run_until([&] { return done; }));
      scheduler.run_posted();
    }
  }

  std::vector<fs::path> page_files() const {
    std::vector<fs::path> out;
    for (const auto& d : fs::recursive_directory_iterator(paging_root))
      if (d.path().extension() == ".page") out.push_back(d.path());
    return out;
  }

  Queue& queue() { return *po->find_queue("paged"); }

  // A consumer that takes nothing: with one the queue reads its window from the pages (a queue
  // without consumers reads none). Gone before a restart or consume().
  RecordingHandler idle;
  ServerConsumer* idle_consumer = nullptr;
  void watch() {
    idle.is_ready = false;
    idle_consumer = queue().add_consumer(idle, ConsumerOptions{});
    scheduler.run_posted();
  }
  void unwatch() {
    queue().remove_consumer(*idle_consumer);
    idle_consumer = nullptr;
    scheduler.run_posted();
  }
  const PagingStore* store() { return po->paging_store("paged"); }

  // Takes `n` messages with a consumer that acknowledges each; returns their bodies.
  std::vector<std::string> consume(std::size_t n) {
    RecordingHandler h;
    h.auto_ack = true;
    ConsumerOptions exactly_n;
    exactly_n.credit_mode = CreditMode::messages;
    exactly_n.credit_messages = static_cast<std::int64_t>(n);
    ServerConsumer* c = queue().add_consumer(h, exactly_n);
    REQUIRE(c != nullptr);
    scheduler.run_until([&] { return h.got.size() >= n; });
    queue().remove_consumer(*c);
    scheduler.run_posted();
    return h.bodies();
  }
};

std::vector<std::string> numbers(int first, int n) {
  std::vector<std::string> out;
  for (int i = first; i < first + n; ++i) out.push_back(std::to_string(i));
  return out;
}

}  // namespace

TEST_CASE("paging: past the limit messages go to a page file and come back in order") {
  PagingFixture f;
  f.send_numbers(0, 10);
  REQUIRE(f.store() != nullptr);
  CHECK(f.store()->paging());
  CHECK(f.page_files().size() == 1);
  CHECK(f.store()->counters().paged_messages == 8);
  CHECK(f.po->global_size_messages() == 2);  // only the two before paging weigh on memory
  CHECK(f.consume(10) == numbers(0, 10));
  CHECK(f.page_files().empty());
  CHECK_FALSE(f.store()->paging());
  // Out of page mode, a message is held in memory again.
  f.send_numbers(10, 1);
  CHECK(f.po->global_size_messages() == 1);
  CHECK(f.consume(1) == numbers(10, 1));
}

TEST_CASE("paging: the cursor reads max-read-page-messages at a time") {
  PagingFixture f(3);
  f.send_numbers(0, 10);
  CHECK(f.queue().message_count() == 2);  // no consumer: nothing read from the page
  f.watch();
  CHECK(f.queue().message_count() == 2 + 3);
  f.unwatch();
  CHECK(f.consume(10) == numbers(0, 10));
  CHECK(f.queue().message_count() == 0);
}

TEST_CASE("paging: a restart brings back what was not acknowledged, and only that") {
  PagingFixture f(4);
  f.send_numbers(0, 12);
  CHECK(f.consume(5) == numbers(0, 5));
  f.restart();
  REQUIRE(f.store() != nullptr);
  CHECK(f.store()->paging());
  CHECK(f.consume(7) == numbers(5, 7));
  CHECK(f.page_files().empty());
  f.restart();
  CHECK(f.queue().message_count() == 0);
}

TEST_CASE("paging: non-durable paged messages do not survive a restart") {
  PagingFixture f;
  f.send_numbers(0, 6, false);
  f.send_numbers(6, 2, true);
  f.restart();
  CHECK(f.consume(2) == numbers(6, 2));
  CHECK(f.queue().message_count() == 0);
}

TEST_CASE("paging: a page file torn in its last record keeps every record before it") {
  PagingFixture f;
  f.send_numbers(0, 6);
  const auto files = f.page_files();
  REQUIRE(files.size() == 1);
  fs::resize_file(files[0], fs::file_size(files[0]) - 3);
  f.restart();
  CHECK(f.consume(5) == numbers(0, 5));  // 0 and 1 from the journal, 2-4 from the page
  CHECK(f.queue().message_count() == 0);
}

TEST_CASE("paging: a deleted queue lets go of the pages it was reading") {
  PagingFixture f;
  f.send_numbers(0, 6);
  REQUIRE(f.page_files().size() == 1);
  REQUIRE_FALSE(f.po->delete_queue("paged"));
  f.scheduler.run_posted();
  CHECK(f.page_files().empty());
  CHECK_FALSE(f.store()->paging());
}

namespace {

// Sends bodies first..first+n-1 in one transaction; returns what its completion said (the
// routed messages are published or discarded accordingly, as a session does).
std::error_code send_transaction(PagingFixture& f, int first, int n) {
  std::vector<PendingSend> sends;
  for (int i = first; i < first + n; ++i)
    sends.push_back({f.message(std::to_string(i), true), Destination::parse("paged")});
  std::vector<RoutedMessage> routed;
  bool done = false;
  std::error_code result;
  f.po->route_transaction(std::move(sends), routed, [&](std::error_code ec) {
    result = ec;
    done = true;
  });
  REQUIRE(f.scheduler.run_until([&] { return done; }));
  for (auto& r : routed) result ? f.po->discard(r) : f.po->publish(r);
  CHECK(routed.back().paged != nullptr);
  f.scheduler.run_posted();
  return result;
}

}  // namespace

TEST_CASE("paging: a transaction's messages are paged and come back after a restart") {
  PagingFixture f;
  f.send_numbers(0, 3);
  CHECK_FALSE(send_transaction(f, 3, 4));
  f.watch();
  CHECK(f.queue().message_count() == 7);
  f.unwatch();
  f.restart();
  const auto got = f.consume(7);
  CAPTURE(fmt::format("{}", fmt::join(got, ",")));
  CHECK(got == numbers(0, 7));
  CHECK(f.page_files().empty());
}

TEST_CASE("paging: sends still on their way to disk count toward the limit") {
  PagingFixture f;  // max-size-messages 2
  // Four durable sends before the journal has completed any: the third and fourth find two in
  // flight and go to a page.
  int stored = 0;
  for (int i = 0; i < 4; ++i)
    f.po->send(f.message(std::to_string(i), true), Destination::parse("paged"),
               [&](std::error_code ec) {
                 CHECK_FALSE(ec);
                 ++stored;
               });
  CHECK(f.po->find_address("paged")->size_messages == 2);  // the two routed to memory
  REQUIRE(f.store() != nullptr);
  CHECK(f.store()->paging());
  REQUIRE(f.scheduler.run_until([&] { return stored == 4; }));
  f.scheduler.run_posted();
  CHECK(f.po->find_address("paged")->size_messages == 2);  // now on the queue, counted once
  CHECK_FALSE(f.page_files().empty());
  CHECK(f.consume(4) == numbers(0, 4));
  CHECK(f.po->global_size_messages() == 0);
  CHECK(f.po->global_size_bytes() == 0);
}

TEST_CASE("paging: a send whose store failed weighs nothing afterwards") {
  PagingFixture f;
  f.messages_journal->fail_from_now(std::make_error_code(std::errc::io_error));
  bool failed = false;
  f.po->send(f.message("lost", true), Destination::parse("paged"),
             [&](std::error_code ec) { failed = static_cast<bool>(ec); });
  REQUIRE(f.scheduler.run_until([&] { return failed; }));
  f.scheduler.run_posted();
  CHECK(f.po->global_size_messages() == 0);
  CHECK(f.po->global_size_bytes() == 0);
  CHECK(f.po->find_address("paged")->size_messages == 0);
  CHECK(f.queue().message_count() == 0);
}

TEST_CASE("paging: a paged transaction whose commit failed is never read back") {
  PagingFixture f;
  f.send_numbers(0, 3);
  f.messages_journal->fail_from_now(std::make_error_code(std::errc::io_error));
  CHECK(send_transaction(f, 3, 4));
  f.watch();
  CHECK(f.queue().message_count() == 3);
  f.unwatch();
  f.restart();
  CHECK(f.consume(3) == numbers(0, 3));
  CHECK(f.queue().message_count() == 0);
}

TEST_CASE("paging: purging a queue drops what it had still to read from its pages") {
  PagingFixture f(2);
  f.send_numbers(0, 8);
  f.watch();
  CHECK(f.queue().message_count() == 4);  // two in memory, two read from the page
  CHECK(f.queue().purge() == 4);
  f.unwatch();
  f.scheduler.run_posted();
  CHECK(f.queue().message_count() == 0);
  CHECK(f.page_files().empty());
  f.restart();
  CHECK(f.queue().message_count() == 0);
}

TEST_CASE("paging: max-size-messages 0 pages every message") {
  PagingFixture f(-1, 0);
  f.send_numbers(0, 3);
  REQUIRE(f.store() != nullptr);
  CHECK(f.store()->counters().paged_messages == 3);
  CHECK(f.po->global_size_messages() == 0);
  CHECK(f.consume(3) == numbers(0, 3));
}

TEST_CASE("paging: past page-limit-messages the page-full-policy applies") {
  for (const auto policy : {config::PageFullPolicy::fail, config::PageFullPolicy::drop}) {
    CAPTURE(config::to_string(policy));
    PagingFixture f;
    config::AddressSetting s = f.config.address_settings[0];
    s.page_limit_messages = 3;
    s.page_full_policy = policy;
    f.po->update_address_settings({s});
    f.send_numbers(0, 4);  // two in memory, two paged
    CHECK(f.po->admit("paged") == PostOffice::Admission::accept);
    f.send_numbers(4, 1);
    const auto expected = policy == config::PageFullPolicy::fail ? PostOffice::Admission::fail
                                                                 : PostOffice::Admission::drop;
    CHECK(f.po->admit("paged") == expected);
    CHECK(f.consume(5) == numbers(0, 5));
    CHECK(f.po->admit("paged") == PostOffice::Admission::accept);  // the pages are gone
  }
}

TEST_CASE("paging: a paged message's duplicate id is kept across a restart") {
  PagingFixture f;
  f.send_numbers(0, 3);  // the third is paged
  auto send_dup = [&] {
    auto m = f.message("dup", true);
    m->record.properties.set(props::duplicate_id, "id-1");
    RouteStatus status{};
    bool done = false;
    RoutedMessage r;
    status = f.po->route(m, Destination::parse("paged"), r, [&](std::error_code ec) {
      CHECK_FALSE(ec);
      done = true;
    });
    REQUIRE(f.scheduler.run_until([&] { return done; }));
    f.po->publish(r);
    f.scheduler.run_posted();
    return status;
  };
  CHECK(send_dup() == RouteStatus::routed);
  CHECK(f.store()->counters().paged_messages == 2);
  f.restart();
  CHECK(send_dup() == RouteStatus::duplicate);
  CHECK(f.consume(4) == std::vector<std::string>{"0", "1", "2", "dup"});
}
