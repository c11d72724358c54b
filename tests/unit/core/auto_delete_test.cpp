#include <doctest/doctest.h>

#include "core/errors.hpp"
#include "fixtures.hpp"

using namespace artemis;
using namespace artemis::core;
using artemis::testing::CoreFixture;
using artemis::testing::RecordingHandler;

namespace {

constexpr std::int64_t kPeriod = 100;

// A fixture scanning every 100 ms with the code defaults (auto-delete on, no delays) unless a
// test adds an <address-setting>.
struct AutoDeleteFixture : CoreFixture {
  AutoDeleteFixture() {
    config.address_queue_scan_period_ms = kPeriod;
    config.message_expiry_scan_period_ms = -1;
  }
  config::AddressSetting& setting() {
    if (config.address_settings.empty()) {
      config::AddressSetting s;
      s.match = "#";
      config.address_settings.push_back(s);
    }
    return config.address_settings.back();
  }
  // Each advance by one period runs exactly one scan.
  void scans(int n) {
    for (int i = 0; i < n; ++i) scheduler.advance(kPeriod);
  }
  void auto_create(const std::string& name, RoutingType rt = RoutingType::anycast) {
    AutoCreatePlan plan;
    REQUIRE_FALSE(po->plan_auto_create(Destination::parse(name), rt, plan));
    REQUIRE_FALSE(po->apply_auto_create(Destination::parse(name), rt, plan));
  }
  // A consumer comes and goes: the queue counts as used from then on.
  void visit(const std::string& queue) {
    RecordingHandler h;
    Queue* q = po->find_queue(queue);
    REQUIRE(q);
    ServerConsumer* c = q->add_consumer(h, {});
    REQUIRE(c);
    q->remove_consumer(*c);
  }
};

}  // namespace

TEST_CASE("auto-delete: a used auto-created queue goes on the second scan, its address after it") {
  AutoDeleteFixture f;
  f.start();
  f.auto_create("orders");
  f.visit("orders");
  f.scans(1);
  CHECK(f.po->find_queue("orders"));  // swept once
  f.scans(1);
  CHECK_FALSE(f.po->find_queue("orders"));
  REQUIRE(f.po->find_address("orders"));  // its queue just went: swept once
  f.scans(1);
  CHECK_FALSE(f.po->find_address("orders"));
}

TEST_CASE("auto-delete: a queue nobody used, or one with a consumer, stays") {
  AutoDeleteFixture f;
  f.start();
  f.auto_create("unused");
  f.auto_create("busy");
  RecordingHandler h;
  REQUIRE(f.po->find_queue("busy")->add_consumer(h, {}));
  f.scans(5);
  CHECK(f.po->find_queue("unused"));
  CHECK(f.po->find_queue("busy"));
}

TEST_CASE("auto-delete: skip-usage-check removes queues and addresses nobody used") {
  AutoDeleteFixture f;
  f.setting().auto_delete_queues_skip_usage_check = true;
  f.setting().auto_delete_addresses_skip_usage_check = true;
  f.start();
  f.auto_create("unused");
  f.auto_create("topic", RoutingType::multicast);  // an address without queues
  f.scans(2);
  CHECK_FALSE(f.po->find_queue("unused"));
  CHECK_FALSE(f.po->find_address("topic"));
  f.scans(1);
  CHECK_FALSE(f.po->find_address("unused"));
}

TEST_CASE("auto-delete: a consumer arriving between the two scans keeps the queue") {
  AutoDeleteFixture f;
  f.start();
  f.auto_create("orders");
  f.visit("orders");
  f.scans(1);
  RecordingHandler h;
  ServerConsumer* c = f.po->find_queue("orders")->add_consumer(h, {});
  f.scans(1);
  REQUIRE(f.po->find_queue("orders"));
  f.po->find_queue("orders")->remove_consumer(*c);
  f.scans(1);
  CHECK(f.po->find_queue("orders"));  // the sweep starts over
  f.scans(1);
  CHECK_FALSE(f.po->find_queue("orders"));
}

TEST_CASE("auto-delete: the message-count threshold") {
  SUBCASE("0 (default): messages keep the queue") {
    AutoDeleteFixture f;
    f.start();
    f.auto_create("orders");
    f.visit("orders");
    f.send("orders", f.message("a"));
    f.scans(4);
    CHECK(f.po->find_queue("orders"));
  }
  SUBCASE("at or under the threshold the queue goes with its messages") {
    AutoDeleteFixture f;
    f.setting().auto_delete_queues_message_count = 2;
    f.start();
    f.auto_create("orders");
    f.visit("orders");
    f.send("orders", f.message("a", true));
    f.send("orders", f.message("b", true));
    f.scans(2);
    CHECK_FALSE(f.po->find_queue("orders"));
    f.restart();  // the durable messages went with it
    CHECK_FALSE(f.po->find_queue("orders"));
  }
  SUBCASE("-1: any number") {
    AutoDeleteFixture f;
    f.setting().auto_delete_queues_message_count = -1;
    f.start();
    f.auto_create("orders");
    f.visit("orders");
    for (int i = 0; i < 10; ++i) f.send("orders", f.message("m"));
    f.scans(2);
    CHECK_FALSE(f.po->find_queue("orders"));
  }
}

TEST_CASE("auto-delete: the delays count from the last consumer and the last queue") {
  AutoDeleteFixture f;
  f.setting().auto_delete_queues_delay = 1000;
  f.setting().auto_delete_addresses_delay = 500;
  f.start();
  f.auto_create("orders");
  f.visit("orders");
  f.scans(9);  // 900 ms: not yet eligible
  CHECK(f.po->find_queue("orders"));
  f.scans(1);  // 1000 ms: eligible, swept
  CHECK(f.po->find_queue("orders"));
  f.scans(1);
  CHECK_FALSE(f.po->find_queue("orders"));
  f.scans(4);  // 400 ms after the queue went
  CHECK(f.po->find_address("orders"));
  f.scans(2);
  CHECK_FALSE(f.po->find_address("orders"));
}

TEST_CASE("auto-delete: settings that switch it off") {
  AutoDeleteFixture f;
  config::AddressSetting keep;
  keep.match = "keep.#";
  keep.auto_delete_queues = false;
  keep.auto_delete_addresses = false;
  f.config.address_settings.push_back(keep);
  f.start();
  f.auto_create("keep.orders");
  f.visit("keep.orders");
  f.scans(5);
  CHECK(f.po->find_queue("keep.orders"));
  f.po->delete_queue("keep.orders");
  f.scans(5);
  CHECK(f.po->find_address("keep.orders"));
}

TEST_CASE("auto-delete: a scan period of -1 leaves everything to the start-up check") {
  AutoDeleteFixture f;
  f.config.address_queue_scan_period_ms = -1;
  f.start();
  f.auto_create("orders");
  f.visit("orders");
  f.scans(10);
  CHECK(f.po->find_queue("orders"));
  f.restart();
  CHECK_FALSE(f.po->find_queue("orders"));
  CHECK_FALSE(f.po->find_address("orders"));
}

TEST_CASE("auto-delete: queues created explicitly or in broker.xml never go") {
  AutoDeleteFixture f;
  f.setting().auto_delete_queues_skip_usage_check = true;
  f.setting().auto_delete_addresses_skip_usage_check = true;
  config::AddressConfig ac;
  ac.name = "configured";
  ac.anycast = true;
  config::QueueConfig qc;
  qc.name = "configured";
  ac.queues.push_back(qc);
  f.config.addresses.push_back(ac);
  f.start();
  f.anycast_queue("explicit");
  f.visit("explicit");
  f.visit("configured");
  f.po->create_address("bare", RoutingType::multicast, false);
  f.scans(5);
  CHECK(f.po->find_queue("explicit"));
  CHECK(f.po->find_queue("configured"));
  CHECK(f.po->find_address("bare"));
  f.restart();
  CHECK(f.po->find_queue("explicit"));
  CHECK(f.po->find_queue("configured"));
  CHECK(f.po->find_address("bare"));
}

TEST_CASE("auto-delete: broker.xml adopting an auto-created queue protects it") {
  AutoDeleteFixture f;
  f.config.address_queue_scan_period_ms = -1;
  f.start();
  f.auto_create("later");
  config::AddressConfig ac;
  ac.name = "later";
  ac.anycast = true;
  config::QueueConfig qc;
  qc.name = "later";
  ac.queues.push_back(qc);
  f.config.addresses.push_back(ac);
  f.restart();  // the journal says auto-created, broker.xml now lists it
  REQUIRE(f.po->find_queue("later"));
  CHECK(f.po->find_address("later"));
}

TEST_CASE("auto-delete: a durable auto-created queue stays deleted after a restart") {
  AutoDeleteFixture f;
  f.start();
  f.auto_create("orders");
  RecordingHandler h;
  h.auto_ack = true;
  Queue* q = f.po->find_queue("orders");
  ServerConsumer* c = q->add_consumer(h, {});
  f.send("orders", f.message("a", true));
  CHECK(h.bodies() == std::vector<std::string>{"a"});
  q->remove_consumer(*c);
  f.scans(3);
  CHECK_FALSE(f.po->find_queue("orders"));
  CHECK_FALSE(f.po->find_address("orders"));
  // No start-up check may hide a missing journal delete: keep everything it would remove.
  f.setting().auto_delete_queues = false;
  f.setting().auto_delete_addresses = false;
  f.restart();
  CHECK_FALSE(f.po->find_queue("orders"));
  CHECK_FALSE(f.po->find_address("orders"));
}

TEST_CASE("auto-delete: the start-up check removes empty leftovers only") {
  AutoDeleteFixture f;
  f.start();
  f.auto_create("empty");
  f.auto_create("full");
  f.send("full", f.message("kept", true));
  f.auto_create("topic", RoutingType::multicast);
  f.restart();
  CHECK_FALSE(f.po->find_queue("empty"));
  CHECK_FALSE(f.po->find_address("empty"));
  CHECK_FALSE(f.po->find_address("topic"));
  REQUIRE(f.po->find_queue("full"));
  CHECK(f.po->find_queue("full")->message_count() == 1);
}

TEST_CASE("auto-delete: an address goes after its last subscription queue") {
  AutoDeleteFixture f;
  f.start();
  f.auto_create("news", RoutingType::multicast);
  QueueDefinition sub;
  sub.name = "sub-1";
  sub.address = "news";
  sub.routing_type = RoutingType::multicast;
  sub.durable = false;
  sub.temporary = true;
  REQUIRE_FALSE(f.po->create_queue(sub));
  f.scans(3);
  CHECK(f.po->find_address("news"));           // a subscription is bound
  REQUIRE_FALSE(f.po->delete_queue("sub-1"));  // the subscriber leaves
  f.scans(2);
  CHECK_FALSE(f.po->find_address("news"));
}

TEST_CASE("auto-delete: delete_address refuses an address with queues") {
  AutoDeleteFixture f;
  f.start();
  f.anycast_queue("q");
  CHECK(f.po->delete_address("q") == make_error_code(errc::address_has_queues));
  CHECK(f.po->delete_address("nope") == make_error_code(errc::address_not_found));
  REQUIRE_FALSE(f.po->delete_queue("q"));
  CHECK_FALSE(f.po->delete_address("q"));
  f.restart();
  CHECK_FALSE(f.po->find_address("q"));
}
