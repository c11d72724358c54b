#include "store/storage_manager.hpp"

#include <doctest/doctest.h>

#include "memory_journal.hpp"
#include "store/journal_printer.hpp"
#include "store/record_types.hpp"
#include "support/manual_scheduler.hpp"

#include <sstream>

using namespace artemis;
using namespace artemis::store;

namespace {

struct Disks {
  std::shared_ptr<testing::MemoryDisk> bindings = std::make_shared<testing::MemoryDisk>();
  std::shared_ptr<testing::MemoryDisk> messages = std::make_shared<testing::MemoryDisk>();
  test_support::ManualScheduler disk_answers;  // the test decides when "the disk" answers
  util::Logger log{stderr, util::Level::error};

  std::unique_ptr<StorageManager> open() {
    return std::make_unique<StorageManager>(
        std::make_unique<testing::MemoryJournal>(bindings, disk_answers.poster()),
        std::make_unique<testing::MemoryJournal>(messages, disk_answers.poster()), log);
  }
};

MessageRecord sample_message(std::uint64_t id) {
  MessageRecord m;
  m.id = id;
  m.address = "orders";
  m.durable = true;
  m.priority = 7;
  m.expiration = 1234;
  m.timestamp = 999;
  m.type = BodyType::bytes;
  m.routing_type = RoutingType::anycast;
  m.properties = {{"color", "red"}, {"_AMQ_DUPL_ID", "abc"}};
  m.body = std::string("hello\0world", 11);
  return m;
}

}  // namespace

TEST_CASE("store: message record round-trips every field") {
  const auto m = sample_message(42);
  const auto bytes = encode(m);
  auto back = decode_message({bytes.data(), bytes.size()});
  REQUIRE(back);
  CHECK(back->id == 42);
  CHECK(back->address == "orders");
  CHECK(back->durable);
  CHECK(back->priority == 7);
  CHECK(back->expiration == 1234);
  CHECK(back->timestamp == 999);
  CHECK(back->type == BodyType::bytes);
  CHECK(back->routing_type == RoutingType::anycast);
  CHECK(back->properties == m.properties);
  CHECK(back->body == m.body);
}

TEST_CASE("store: truncated or wrong-version bodies do not decode") {
  auto bytes = encode(sample_message(1));
  for (std::size_t cut = 0; cut < bytes.size(); ++cut)
    CHECK_FALSE(decode_message({bytes.data(), cut}));
  bytes[0] = 99;
  CHECK_FALSE(decode_message({bytes.data(), bytes.size()}));
  QueueRecord q{5, "q", "a", RoutingType::multicast, std::string("x = 1"), true, false, 3, "u"};
  auto qb = encode(q);
  auto qback = decode_queue(5, {qb.data(), qb.size()});
  REQUIRE(qback);
  CHECK(qback->filter == std::optional<std::string>("x = 1"));
  CHECK(qback->max_consumers == 3);
  CHECK(qback->routing_type == RoutingType::multicast);
  CHECK_FALSE(decode_queue(5, {qb.data(), qb.size() - 1}));
}

TEST_CASE("store: durable send completes only through the journal completion") {
  Disks d;
  auto s = d.open();
  LoadedState st;
  REQUIRE_FALSE(s->load(st));
  const std::uint64_t q = s->next_id();
  s->add_queue({q, "orders", "orders"});
  auto m = sample_message(s->next_id());
  bool done = false;
  const std::uint64_t queues[] = {q};
  s->store_message(m, queues, std::nullopt, [&](std::error_code ec) { done = !ec; });
  CHECK_FALSE(done);
  d.disk_answers.run_posted();
  CHECK(done);
}

TEST_CASE("store: restart hands back addresses, queues, messages with refs and counts") {
  Disks d;
  std::uint64_t q1 = 0, q2 = 0, m1 = 0, m2 = 0, m3 = 0;
  {
    auto s = d.open();
    LoadedState st;
    REQUIRE_FALSE(s->load(st));
    s->add_address({s->next_id(), "orders", true, false, false});
    q1 = s->next_id();
    q2 = s->next_id();
    s->add_queue({q1, "q1", "orders"});
    s->add_queue({q2, "q2", "orders"});
    const std::uint64_t both[] = {q1, q2};
    m1 = s->next_id();
    m2 = s->next_id();
    m3 = s->next_id();
    s->store_message(sample_message(m1), both, std::nullopt, [](std::error_code) {});
    s->store_message(sample_message(m2), both, std::nullopt, [](std::error_code) {});
    s->store_message(sample_message(m3), both, std::nullopt, [](std::error_code) {});
    s->ack(m1, q1, false);
    s->ack(m1, q2, true);  // m1 fully consumed
    s->ack(m2, q1, false);
    s->update_delivery_count(m3, q2, 3);
    s->add_duplicate_id("orders", "dup-1");
    d.disk_answers.run_posted();
    s->close();
  }
  auto s = d.open();
  LoadedState st;
  REQUIRE_FALSE(s->load(st));
  CHECK(st.bad_records == 0);
  REQUIRE(st.addresses.size() == 1);
  CHECK(st.addresses[0].name == "orders");
  REQUIRE(st.queues.size() == 2);
  REQUIRE(st.messages.size() == 2);
  CHECK(st.messages[0].message.id == m2);
  REQUIRE(st.messages[0].refs.size() == 1);
  CHECK(st.messages[0].refs[0].queue_id == q2);
  CHECK(st.messages[1].message.id == m3);
  REQUIRE(st.messages[1].refs.size() == 2);
  CHECK(st.messages[1].refs[1].delivery_count == 3);
  REQUIRE(st.duplicate_ids.size() == 1);
  CHECK(st.duplicate_ids[0].duplicate_id == "dup-1");
  // Ids never repeat across a restart.
  CHECK(s->next_id() > m3);
}

TEST_CASE("store: transactional messages appear only after commit") {
  Disks d;
  std::uint64_t q = 0;
  {
    auto s = d.open();
    LoadedState st;
    REQUIRE_FALSE(s->load(st));
    q = s->next_id();
    s->add_queue({q, "q", "a"});
    const std::uint64_t qs[] = {q};
    const auto tx1 = s->next_id();
    s->store_message_tx(tx1, sample_message(s->next_id()), qs, std::nullopt);
    const auto tx2 = s->next_id();
    s->store_message_tx(tx2, sample_message(s->next_id()), qs, std::nullopt);
    bool committed = false;
    s->commit_tx(tx1, [&](std::error_code ec) { committed = !ec; });
    s->rollback_tx(tx2);
    d.disk_answers.run_posted();
    CHECK(committed);
  }
  auto s = d.open();
  LoadedState st;
  REQUIRE_FALSE(s->load(st));
  CHECK(st.messages.size() == 1);
}

TEST_CASE("store: without journals everything completes at once") {
  util::Logger log{stderr, util::Level::error};
  StorageManager s(nullptr, nullptr, log);
  LoadedState st;
  REQUIRE_FALSE(s.load(st));
  bool done = false;
  const std::uint64_t qs[] = {1};
  s.store_message(sample_message(s.next_id()), qs, std::nullopt, [&](std::error_code) { done = true; });
  CHECK(done);
}

TEST_CASE("store: data print decodes records and counts messages per queue") {
  Disks d;
  {
    auto s = d.open();
    LoadedState st;
    REQUIRE_FALSE(s->load(st));
    const auto q = s->next_id();
    s->add_queue({q, "orders", "orders"});
    const std::uint64_t qs[] = {q};
    const auto m1 = s->next_id();
    s->store_message(sample_message(m1), qs, std::nullopt, [](std::error_code) {});
    s->store_message(sample_message(s->next_id()), qs, std::nullopt, [](std::error_code) {});
    s->ack(m1, q, true);
    d.disk_answers.run_posted();
  }
  journal::LoadResult b, m;
  testing::MemoryJournal(d.bindings, d.disk_answers.poster()).load(b);
  testing::MemoryJournal(d.messages, d.disk_answers.poster()).load(m);
  std::ostringstream out;
  const auto summary = print_journals(&b, &m, out);
  CHECK(summary.undecodable == 0);
  const auto text = out.str();
  CHECK(text.find("B I N D I N G S  J O U R N A L") != std::string::npos);
  CHECK(text.find("M E S S A G E S   J O U R N A L") != std::string::npos);
  CHECK(text.find("(orders): 1 message\n") != std::string::npos);
  CHECK(text.find("QUEUE;Queue{") != std::string::npos);
  CHECK(text.find("MESSAGE;Message{") != std::string::npos);
}

TEST_CASE("store: a duplicate id is written after its message and refs, in their transaction") {
  Disks d;
  auto s = d.open();
  LoadedState st;
  REQUIRE_FALSE(s->load(st));
  const std::uint64_t qs[] = {s->next_id(), s->next_id()};
  const std::string dup = "producer:1";
  bool done = false;
  const auto dup_record = s->store_message(sample_message(s->next_id()), qs, dup,
                                           [&](std::error_code ec) { done = !ec; });
  CHECK(dup_record != 0);
  d.disk_answers.run_posted();
  CHECK(done);
  const auto& ops = d.messages->ops;
  REQUIRE(ops.size() == 4);
  CHECK(ops[0].record.user_type == record::message);
  CHECK(ops[1].record.user_type == record::add_ref);
  CHECK(ops[2].record.user_type == record::add_ref);
  CHECK(ops[3].record.user_type == record::duplicate_id);
  CHECK(ops[3].record.id == dup_record);
}
