// PostOffice's broker-wide "disk full" state (set by server/DiskMonitor): every address is
// blocked while it is set, the waiters run when it clears, and an address still over its own
// max-size-bytes stays blocked.
#include <doctest/doctest.h>

#include "fixtures.hpp"

using namespace artemis;
using namespace artemis::core;
using artemis::testing::CoreFixture;
using artemis::testing::RecordingHandler;

TEST_CASE("core: disk full blocks every address and runs the waiters when it clears") {
  CoreFixture f;
  f.start();
  f.anycast_queue("q");
  f.anycast_queue("r");
  CHECK_FALSE(f.po->blocked("q"));
  f.po->set_disk_full(true);
  CHECK(f.po->disk_full());
  CHECK(f.po->blocked("q"));
  CHECK(f.po->blocked("r"));
  CHECK(f.po->blocked("not.yet.created"));  // auto-created addresses too
  int resumed = 0;
  f.po->when_unblocked("q", [&] { ++resumed; });
  f.po->when_unblocked("r", [&] { ++resumed; });
  // Consumers keep draining while producers wait.
  f.send("q", f.message("m1"));
  RecordingHandler h;
  h.auto_ack = true;
  f.po->find_queue("q")->add_consumer(h, {});
  CHECK(f.po->find_queue("q")->message_count() == 0);
  CHECK(resumed == 0);
  f.po->set_disk_full(false);
  CHECK(resumed == 2);
  CHECK_FALSE(f.po->blocked("q"));
}

TEST_CASE("core: an address over max-size-bytes stays blocked when the disk has room again") {
  CoreFixture f;
  config::AddressSetting s;
  s.match = "#";
  s.max_size_bytes = 1000;
  s.address_full_policy = config::AddressFullPolicy::block;
  f.config.address_settings.push_back(s);
  f.start();
  f.anycast_queue("q");
  f.send("q", f.message(std::string(1200, 'x')));
  REQUIRE(f.po->blocked("q"));
  f.po->set_disk_full(true);
  bool resumed = false;
  f.po->when_unblocked("q", [&] { resumed = true; });
  f.po->set_disk_full(false);
  CHECK_FALSE(resumed);  // still over its own limit
  CHECK(f.po->blocked("q"));
  RecordingHandler h;
  h.auto_ack = true;
  f.po->find_queue("q")->add_consumer(h, {});
  CHECK(resumed);
}
