#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "core/log_codes.hpp"
#include "fixtures.hpp"

using namespace artemis;
using namespace artemis::core;
using artemis::testing::CoreFixture;
using artemis::testing::RecordingHandler;

TEST_CASE("core: higher priority is delivered first, FIFO within a priority") {
  CoreFixture f;
  f.start();
  f.anycast_queue("q");
  f.send("q", f.message("low1", false, 1));
  f.send("q", f.message("high", false, 9));
  f.send("q", f.message("low2", false, 1));
  f.send("q", f.message("mid", false, 4));
  RecordingHandler h;
  f.po->find_queue("q")->add_consumer(h, {});
  CHECK(h.bodies() == std::vector<std::string>{"high", "mid", "low1", "low2"});
}

TEST_CASE("core: window 0 delivers one message at a time until acked") {
  CoreFixture f;
  f.start();
  f.anycast_queue("q");
  for (int i = 0; i < 3; ++i) f.send("q", f.message(std::to_string(i)));
  RecordingHandler h;
  ConsumerOptions o;
  o.window_bytes = 0;
  auto* c = f.po->find_queue("q")->add_consumer(h, o);
  REQUIRE(h.got.size() == 1);
  CHECK(c->ack(h.got[0].message->id()));
  CHECK(h.got.size() == 2);
  CHECK(c->ack_up_to(h.got[1].message->id()));
  CHECK(h.got.size() == 3);
}

TEST_CASE("core: a congested handler stops dispatch until resume") {
  CoreFixture f;
  f.start();
  f.anycast_queue("q");
  RecordingHandler h;
  h.auto_ack = true;
  auto* c = f.po->find_queue("q")->add_consumer(h, {});
  h.is_ready = false;
  f.send("q", f.message("a"));
  f.send("q", f.message("b"));
  CHECK(h.got.empty());
  h.is_ready = true;
  c->resume();
  CHECK(h.bodies() == std::vector<std::string>{"a", "b"});
  CHECK(f.po->find_queue("q")->message_count() == 0);
}

TEST_CASE("core: consumers share a queue round-robin; selectors pick their messages") {
  CoreFixture f;
  f.start();
  f.anycast_queue("q");
  RecordingHandler a, b, red;
  a.auto_ack = b.auto_ack = red.auto_ack = true;
  Queue* q = f.po->find_queue("q");
  std::string err;
  ConsumerOptions ro;
  ro.filter = Filter::parse("color = 'red'", err);
  q->add_consumer(red, ro);
  q->add_consumer(a, {});
  q->add_consumer(b, {});
  for (int i = 0; i < 4; ++i) f.send("q", f.message("plain"));
  auto m = f.message("red");
  m->record.properties.set("color", "red");
  f.send("q", m);
  CHECK(a.got.size() + b.got.size() == 4);
  CHECK(a.got.size() == 2);
  CHECK(red.bodies() == std::vector<std::string>{"red"});
}

TEST_CASE("core: cancelled messages come back with a delivery count, then go to the DLQ") {
  CoreFixture f;
  config::AddressSetting s;
  s.match = "#";
  s.max_delivery_attempts = 2;
  s.dead_letter_address = "DLQ";
  f.config.address_settings.push_back(s);
  f.start();
  f.anycast_queue("q");
  f.anycast_queue("DLQ");
  f.send("q", f.message("poison", true));
  Queue* q = f.po->find_queue("q");
  RecordingHandler h;
  auto* c = q->add_consumer(h, {});
  REQUIRE(h.got.size() == 1);
  CHECK(c->cancel(h.got[0].message->id()));
  REQUIRE(h.got.size() == 2);
  CHECK(h.got[1].delivery_count == 1);
  CHECK(c->cancel(h.got[1].message->id()));
  CHECK(h.got.size() == 2);
  CHECK(q->message_count() == 0);
  f.scheduler.run_posted();  // the dead-letter copy is durable: visible once stored
  Queue* dlq = f.po->find_queue("DLQ");
  REQUIRE(dlq->message_count() == 1);
  std::string orig;
  std::optional<std::int64_t> orig_id;
  dlq->for_each_waiting([&](const MessageRef& r) {
    orig = *r.message->property("_AMQ_ORIG_ADDRESS");
    // Typed as Artemis types them: the original id a long, the routing type a byte.
    const auto id = r.message->typed_property("_AMQ_ORIG_MESSAGE_ID");
    REQUIRE(id.has_value());
    CHECK(id->type() == store::PropertyType::int64);
    orig_id = id->as_integer();
    const auto rt = r.message->typed_property("_AMQ_ORIG_ROUTING_TYPE");
    if (rt) CHECK(rt->type() == store::PropertyType::int8);
  });
  CHECK(orig == "q");
  CHECK(orig_id == static_cast<std::int64_t>(h.got[0].message->id()));
  f.restart();
  CHECK(f.po->find_queue("q")->message_count() == 0);
  CHECK(f.po->find_queue("DLQ")->message_count() == 1);
}

TEST_CASE("core: redelivery delay holds a cancelled message back") {
  CoreFixture f;
  config::AddressSetting s;
  s.match = "#";
  s.redelivery_delay = 500;
  f.config.address_settings.push_back(s);
  f.start();
  f.anycast_queue("q");
  f.send("q", f.message("m"));
  RecordingHandler h;
  auto* c = f.po->find_queue("q")->add_consumer(h, {});
  c->cancel(h.got[0].message->id());
  CHECK(h.got.size() == 1);
  CHECK(f.po->find_queue("q")->scheduled_count() == 1);
  f.scheduler.advance(499);
  CHECK(h.got.size() == 1);
  f.scheduler.advance(1);
  CHECK(h.got.size() == 2);
}

TEST_CASE("core: scheduled messages wait for their time") {
  CoreFixture f;
  f.start();
  f.anycast_queue("q");
  RecordingHandler h;
  f.po->find_queue("q")->add_consumer(h, {});
  auto m = f.message("later");
  m->record.scheduled = f.scheduler.now_ms() + 1000;
  f.send("q", m);
  CHECK(h.got.empty());
  f.scheduler.advance(1000);
  CHECK(h.bodies() == std::vector<std::string>{"later"});
}

TEST_CASE("core: expired messages go to the expiry address, never to a consumer") {
  CoreFixture f;
  config::AddressSetting s;
  s.match = "#";
  s.expiry_address = "ExpiryQueue";
  f.config.address_settings.push_back(s);
  f.start();
  f.anycast_queue("q");
  f.anycast_queue("ExpiryQueue");
  auto m = f.message("old");
  m->record.expiration = f.scheduler.now_ms() + 10;
  f.send("q", m);
  f.scheduler.advance(1000);  // the reaper runs
  CHECK(f.po->find_queue("q")->message_count() == 0);
  Queue* eq = f.po->find_queue("ExpiryQueue");
  REQUIRE(eq->message_count() == 1);
  eq->for_each_waiting([&](const MessageRef& r) {
    const auto when = r.message->typed_property("_AMQ_ACTUAL_EXPIRY");
    REQUIRE(when.has_value());
    CHECK(when->type() == store::PropertyType::int64);
    CHECK(when->as_integer() >= f.scheduler.now_ms() - 1000);
    CHECK(r.message->record.expiration == 0);
  });
}

TEST_CASE("core: BLOCK policy blocks the address over max-size-bytes and unblocks on ack") {
  CoreFixture f;
  config::AddressSetting s;
  s.match = "#";
  s.max_size_bytes = 1000;
  s.address_full_policy = config::AddressFullPolicy::block;
  f.config.address_settings.push_back(s);
  f.start();
  f.anycast_queue("q");
  f.send("q", f.message(std::string(600, 'x')));
  CHECK_FALSE(f.po->blocked("q"));
  f.send("q", f.message(std::string(600, 'x')));
  CHECK(f.po->blocked("q"));
  bool unblocked = false;
  f.po->when_unblocked("q", [&] { unblocked = true; });
  RecordingHandler h;
  h.auto_ack = true;
  f.po->find_queue("q")->add_consumer(h, {});
  CHECK(unblocked);
  CHECK_FALSE(f.po->blocked("q"));
}

TEST_CASE("core: max-consumers refuses extra consumers; purge-on-no-consumers empties") {
  CoreFixture f;
  f.start();
  REQUIRE_FALSE(f.po->create_address("a", RoutingType::anycast, false));
  QueueDefinition d;
  d.name = "solo";
  d.address = "a";
  d.max_consumers = 1;
  d.purge_on_no_consumers = true;
  REQUIRE_FALSE(f.po->create_queue(d));
  Queue* q = f.po->find_queue("solo");
  RecordingHandler h1, h2;
  h1.is_ready = false;
  auto* c = q->add_consumer(h1, {});
  REQUIRE(c);
  CHECK(q->add_consumer(h2, {}) == nullptr);
  f.send("a", f.message("x"));
  CHECK(q->message_count() == 1);
  q->remove_consumer(*c);
  CHECK(q->message_count() == 0);
}

TEST_CASE("core: expiry-delay sets an expiration only on messages without one") {
  CoreFixture f;
  config::AddressSetting s;
  s.match = "#";
  s.expiry_delay = 100;
  f.config.address_settings.push_back(s);
  f.start();
  f.anycast_queue("q");
  auto a = f.message("a");
  auto b = f.message("b");
  b->record.expiration = f.scheduler.now_ms() + 5000;
  f.send("q", a);
  f.send("q", b);
  CHECK(a->record.expiration == f.scheduler.now_ms() + 100);
  CHECK(b->record.expiration == f.scheduler.now_ms() + 5000);
}

TEST_CASE("core: log codes are unique") {
  std::set<int> ids;
  for (const auto* code : core::log_codes::all) CHECK(ids.insert(code->id).second);
}

TEST_CASE("core: a consumer's deliveries settle right through reused nodes, one by one and cumulatively") {
  // More deliveries than the consumer keeps spare nodes for, settled out of order, so nodes go
  // back and are taken again while others are still outstanding.
  CoreFixture f;
  f.start();
  f.anycast_queue("q");
  constexpr int kMessages = 3000;
  for (int i = 0; i < kMessages; ++i) f.send("q", f.message(std::to_string(i)));
  RecordingHandler h;
  auto* c = f.po->find_queue("q")->add_consumer(h, {});
  REQUIRE(h.got.size() == static_cast<std::size_t>(kMessages));
  auto id = [&](int i) { return h.got[static_cast<std::size_t>(i)].message->id(); };
  for (int i = 1; i < 1500; i += 3) CHECK(c->ack(id(i)));
  CHECK_FALSE(c->ack(id(1)));           // settled already
  CHECK(c->ack_up_to(id(999)));         // 0..999 except those acked above
  CHECK_FALSE(c->ack(id(500)));
  CHECK(c->cancel(id(1001)));           // back to the queue and delivered again
  REQUIRE(h.got.size() == static_cast<std::size_t>(kMessages + 1));
  CHECK(h.got.back().message->id() == id(1001));
  CHECK(h.got.back().delivery_count == 1);
  for (int i = 1002; i < 2000; ++i)
    if (i >= 1500 || i % 3 != 1) CHECK(c->ack(id(i)));
  CHECK(c->ack_up_to(h.got.back().message->id()));  // the rest, the redelivery last
  CHECK_FALSE(c->ack_up_to(id(kMessages - 1)));
  auto& q = *f.po->find_queue("q");
  CHECK(q.message_count() == 0);
  CHECK(q.messages_acknowledged() == static_cast<std::uint64_t>(kMessages));
}

namespace {

bool journal_deleted(const testing::MemoryDisk& disk, std::uint64_t id) {
  return std::any_of(disk.ops.begin(), disk.ops.end(), [&](const auto& op) {
    return op.kind == testing::MemoryDisk::Op::del && op.record.id == id;
  });
}

}  // namespace

TEST_CASE(
    "core: a dead-lettered or expired message leaves its queue's journal only once its copy "
    "is stored; after a failed store its record stays on disk") {
  for (const bool expiry : {false, true}) {
    for (const bool copy_fails : {false, true}) {
      CAPTURE(expiry);
      CAPTURE(copy_fails);
      CoreFixture f;
      config::AddressSetting s;
      s.match = "#";
      s.max_delivery_attempts = 1;
      s.dead_letter_address = "DLQ";
      s.expiry_address = "ExpiryQueue";
      f.config.address_settings.push_back(s);
      f.start();
      f.anycast_queue("q");
      f.anycast_queue("DLQ");
      f.anycast_queue("ExpiryQueue");
      auto m = f.message("m", true);
      if (expiry) m->record.expiration = f.scheduler.now_ms() + 10;
      f.send("q", m);
      const auto id = m->id();
      Queue* q = f.po->find_queue("q");
      f.scheduler.run_posted();

      f.messages_journal->hold_completions();
      if (copy_fails) f.messages_journal->fail_from_now(std::make_error_code(std::errc::io_error));
      RecordingHandler h;
      if (expiry) {
        f.scheduler.advance(1000);  // the expiry scan
      } else {
        auto* c = q->add_consumer(h, {});
        REQUIRE(h.got.size() == 1);
        CHECK(c->cancel(id));  // past max-delivery-attempts: to the DLQ
        q->remove_consumer(*c);
      }
      CHECK(q->message_count() == 0);
      CHECK_FALSE(journal_deleted(*f.messages_disk, id));  // the copy is not stored yet

      f.messages_journal->release_completions();
      f.scheduler.run_posted();
      Queue* target = f.po->find_queue(expiry ? "ExpiryQueue" : "DLQ");
      if (copy_fails) {
        CHECK_FALSE(journal_deleted(*f.messages_disk, id));  // back at the next start
        CHECK(q->message_count() == 0);
        CHECK(target->message_count() == 0);
      } else {
        CHECK(journal_deleted(*f.messages_disk, id));
        CHECK(q->message_count() == 0);
        CHECK(target->message_count() == 1);
      }
    }
  }
}
