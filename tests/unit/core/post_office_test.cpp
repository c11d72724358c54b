#include <doctest/doctest.h>

#include <algorithm>

#include "core/errors.hpp"
#include "fixtures.hpp"
#include "journal/errors.hpp"

using namespace artemis;
using namespace artemis::core;
using artemis::testing::CoreFixture;
using artemis::testing::RecordingHandler;

namespace {

QueueDefinition multicast_queue(std::string name, std::string address) {
  QueueDefinition d;
  d.name = std::move(name);
  d.address = std::move(address);
  d.routing_type = RoutingType::multicast;
  return d;
}

}  // namespace

TEST_CASE("core: anycast sends reach one queue, round-robin over the anycast group") {
  CoreFixture f;
  f.start();
  REQUIRE_FALSE(f.po->create_address("orders", RoutingType::anycast, false));
  QueueDefinition a;
  a.name = "qa";
  a.address = "orders";
  QueueDefinition b = a;
  b.name = "qb";
  REQUIRE_FALSE(f.po->create_queue(a));
  REQUIRE_FALSE(f.po->create_queue(b));
  for (int i = 0; i < 4; ++i) CHECK(f.send("orders", f.message("m")).queues == 1);
  CHECK(f.po->find_queue("qa")->message_count() == 2);
  CHECK(f.po->find_queue("qb")->message_count() == 2);
}

TEST_CASE("core: multicast sends copy to every subscription queue; FQQN targets one") {
  CoreFixture f;
  f.start();
  REQUIRE_FALSE(f.po->create_address("news", RoutingType::multicast, false));
  REQUIRE_FALSE(f.po->create_queue(multicast_queue("s1", "news")));
  REQUIRE_FALSE(f.po->create_queue(multicast_queue("s2", "news")));
  CHECK(f.send("news", f.message("x")).queues == 2);
  CHECK(f.send("news::s2", f.message("y")).queues == 1);
  CHECK(f.po->find_queue("s1")->message_count() == 1);
  CHECK(f.po->find_queue("s2")->message_count() == 2);
  // FQQN naming a queue of another address routes nowhere.
  CHECK(f.send("other::s2", f.message("z")).status == RouteStatus::no_route);
}

TEST_CASE("core: queue filters and the routing type of the message select queues") {
  CoreFixture f;
  f.start();
  REQUIRE_FALSE(f.po->create_address("mix", RoutingType::multicast, false));
  REQUIRE_FALSE(f.po->create_address("mix", RoutingType::anycast, false));
  std::string err;
  auto red = multicast_queue("red", "mix");
  red.filter = Filter::parse("color = 'red'", err);
  REQUIRE_FALSE(f.po->create_queue(red));
  QueueDefinition any;
  any.name = "mixq";
  any.address = "mix";
  REQUIRE_FALSE(f.po->create_queue(any));
  auto m = f.message("blue");
  m->record.properties.set("color", "blue");
  CHECK(f.send("mix", m).queues == 1);  // anycast only: the filter keeps it off "red"
  auto r = f.message("red");
  r->record.properties.set("color", "red");
  CHECK(f.send("mix", r).queues == 2);
  auto typed = f.message("typed");
  typed->record.properties.set("color", "red");
  typed->record.routing_type = store::RoutingType::multicast;
  CHECK(f.send("mix", typed).queues == 1);
}

TEST_CASE("core: wildcard addresses receive what matching addresses get") {
  CoreFixture f;
  f.start();
  REQUIRE_FALSE(f.po->create_address("news.#", RoutingType::multicast, false));
  REQUIRE_FALSE(f.po->create_queue(multicast_queue("all-news", "news.#")));
  REQUIRE_FALSE(f.po->create_address("news.sport", RoutingType::multicast, false));
  CHECK(f.send("news.sport", f.message("goal")).queues == 1);
  CHECK(f.po->find_queue("all-news")->message_count() == 1);
}

TEST_CASE("core: auto-create plans follow the address settings") {
  CoreFixture f;
  f.start();
  AutoCreatePlan plan;
  REQUIRE_FALSE(f.po->plan_auto_create(Destination::parse("q1"), RoutingType::anycast, plan));
  CHECK(plan.create_address);
  CHECK(plan.create_queue == std::optional<std::string>("q1"));
  REQUIRE_FALSE(f.po->apply_auto_create(Destination::parse("q1"), RoutingType::anycast, plan));
  REQUIRE(f.po->find_queue("q1"));
  CHECK(f.po->find_queue("q1")->definition().auto_created);
  // Multicast: the address only.
  REQUIRE_FALSE(f.po->plan_auto_create(Destination::parse("t1"), RoutingType::multicast, plan));
  CHECK(plan.create_address);
  CHECK_FALSE(plan.create_queue);
  // Adding a routing type to an existing address.
  REQUIRE_FALSE(f.po->apply_auto_create(Destination::parse("t1"), RoutingType::multicast, plan));
  REQUIRE_FALSE(f.po->plan_auto_create(Destination::parse("t1"), RoutingType::anycast, plan));
  CHECK(plan.add_routing_type);
}

TEST_CASE("core: auto-create off gives address-not-found") {
  CoreFixture f;
  config::AddressSetting s;
  s.match = "#";
  s.auto_create_addresses = false;
  s.auto_create_queues = false;
  f.config.address_settings.push_back(s);
  f.start();
  AutoCreatePlan plan;
  CHECK(f.po->plan_auto_create(Destination::parse("nope"), RoutingType::anycast, plan) ==
        make_error_code(errc::address_not_found));
  REQUIRE_FALSE(f.po->create_address("a", RoutingType::anycast, false));
  CHECK(f.po->plan_auto_create(Destination::parse("a"), RoutingType::anycast, plan) ==
        make_error_code(errc::queue_not_found));
}

TEST_CASE("core: deploy creates broker.xml addresses and queues once") {
  CoreFixture f;
  config::AddressConfig dlq;
  dlq.name = "DLQ";
  dlq.anycast = true;
  config::QueueConfig q;
  q.name = "DLQ";
  dlq.queues.push_back(q);
  f.config.addresses.push_back(dlq);
  f.start();
  REQUIRE(f.po->find_queue("DLQ"));
  f.restart();
  REQUIRE(f.po->find_queue("DLQ"));
  CHECK(f.po->find_address("DLQ")->queues.size() == 1);
}

TEST_CASE("core: durable messages survive a restart; acked ones do not") {
  CoreFixture f;
  f.start();
  f.anycast_queue("orders");
  bool confirmed = false;
  for (int i = 0; i < 3; ++i)
    f.po->send(f.message("m" + std::to_string(i), true), Destination::parse("orders"),
               [&](std::error_code ec) { confirmed = !ec; });
  f.po->send(f.message("volatile", false), Destination::parse("orders"), [](std::error_code) {});
  CHECK_FALSE(confirmed);  // not before the journal completion
  // Not visible before it either; the non-durable message is.
  CHECK(f.po->find_queue("orders")->message_count() == 1);
  f.scheduler.run_posted();
  CHECK(confirmed);
  RecordingHandler h;
  auto* c = f.po->find_queue("orders")->add_consumer(h, {});
  REQUIRE(h.got.size() == 4);
  CHECK(h.got[0].message->record.body == "volatile");  // the durable ones were on their way
  CHECK(c->ack(h.got[1].message->id()));
  f.po->find_queue("orders")->remove_consumer(*c);
  f.restart();
  Queue* q = f.po->find_queue("orders");
  REQUIRE(q);
  CHECK(q->message_count() == 2);
  RecordingHandler h2;
  q->add_consumer(h2, {});
  CHECK(h2.bodies() == std::vector<std::string>{"m1", "m2"});
  // Returned on close: the delivery count was persisted.
  CHECK(h2.got[0].delivery_count == 1);
}

TEST_CASE("core: duplicate ids are dropped, also after a restart") {
  CoreFixture f;
  f.start();
  f.anycast_queue("q");
  auto m = f.message("a", true);
  m->record.properties.set("_AMQ_DUPL_ID", "id-1");
  CHECK(f.send("q", m).status == RouteStatus::routed);
  auto again = f.message("a", true);
  again->record.properties.set("_AMQ_DUPL_ID", "id-1");
  bool done = false;
  CHECK(f.po->send(again, Destination::parse("q"), [&](std::error_code) { done = true; }).status ==
        RouteStatus::duplicate);
  CHECK(done);
  f.restart();
  auto third = f.message("a", true);
  third->record.properties.set("_AMQ_DUPL_ID", "id-1");
  CHECK(f.send("q", third).status == RouteStatus::duplicate);
  CHECK(f.po->find_queue("q")->message_count() == 1);
}

TEST_CASE("core: a transaction routes at commit, is visible once published, and a duplicate batch is ignored") {
  CoreFixture f;
  f.start();
  f.anycast_queue("q");
  std::vector<PendingSend> batch;
  batch.push_back({f.message("t1", true), Destination::parse("q")});
  batch.push_back({f.message("t2", true), Destination::parse("q")});
  batch[1].message->record.properties.set("_AMQ_DUPL_ID", "tx-dup");
  bool done = false;
  std::vector<RoutedMessage> routed;
  CHECK(f.po->route_transaction(batch, routed, [&](std::error_code) { done = true; }) ==
        RouteStatus::routed);
  CHECK(f.po->find_queue("q")->message_count() == 0);
  f.scheduler.run_posted();
  CHECK(done);
  CHECK(f.po->find_queue("q")->message_count() == 0);
  for (auto& r : routed) f.po->publish(r);
  CHECK(f.po->find_queue("q")->message_count() == 2);
  std::vector<PendingSend> again;
  again.push_back({f.message("t3", true), Destination::parse("q")});
  again.push_back({f.message("t2", true), Destination::parse("q")});
  again[1].message->record.properties.set("_AMQ_DUPL_ID", "tx-dup");
  CHECK(f.po->route_transaction(again, routed, [](std::error_code) {}) == RouteStatus::duplicate);
  CHECK(routed.empty());
  f.restart();
  CHECK(f.po->find_queue("q")->message_count() == 2);
}

TEST_CASE("post office: a store completion's error reads as the sender is told it") {
  CHECK_FALSE(stored_error({}));
  CHECK(stored_error(journal::errc::record_too_large) == errc::message_too_large);
  CHECK(stored_error(journal::errc::io_error) == errc::storage_failed);
  CHECK(stored_error(journal::errc::disk_full) == errc::storage_failed);
  CHECK(stored_error(std::make_error_code(std::errc::io_error)) == errc::storage_failed);
  CHECK(stored_error(errc::address_full) == errc::address_full);  // the core's own pass
}

TEST_CASE(
    "core: a stored message whose queue record is missing at load is dropped with AMQ222043") {
  CoreFixture f;
  f.start();
  f.anycast_queue("q");
  f.send("q", f.message("m", true));
  const auto queue_id = f.po->find_queue("q")->id();
  f.scheduler.run_posted();
  // The queue's record lost, as a crash before the bindings journal wrote it would lose it.
  auto& ops = f.bindings_disk->ops;
  ops.erase(std::remove_if(ops.begin(), ops.end(),
                           [&](const auto& op) { return op.record.id == queue_id; }),
            ops.end());
  f.log.set_level(util::Level::warn);
  f.log.keep_recent(20);
  f.restart();
  CHECK(f.po->find_queue("q") == nullptr);
  const auto lines = f.log.recent(20);
  CHECK(std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
    return l.find("AMQ222043") != std::string::npos &&
           l.find("queue " + std::to_string(queue_id) + " which does not exist") !=
               std::string::npos;
  }));
}
