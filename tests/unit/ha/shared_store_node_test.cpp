// SharedStoreNode: a passive backup announces itself to the connectors of its cluster
// connection with the shared node id, and stops announcing once it activates.
#include <doctest/doctest.h>

#include <atomic>

#include "ha/shared_store_node.hpp"
#include "primary_holding_live_lock.hpp"
#include "support/fake_stomp_peer.hpp"
#include "support/log_capture.hpp"
#include "support/temp_dir.hpp"
#include "support/thread_scheduler.hpp"
#include "support/wait.hpp"

using namespace artemis;
using namespace artemis::ha;
using namespace artemis::ha::test;
using namespace artemis::test_support;

namespace {

config::BrokerConfig backup_config(const TempDir& dir, int primary_port) {
  config::BrokerConfig c;
  c.name = "slave";
  c.journal_directory = dir.path();
  c.connectors.push_back({"master-connector", "tcp://127.0.0.1:" + std::to_string(primary_port),
                          "tcp", "127.0.0.1", primary_port});
  c.connectors.push_back({"slave-connector", "tcp://localhost:61617", "tcp", "localhost", 61617});
  c.cluster_user = "admin";
  c.cluster_password = "admin";
  config::ClusterConnectionConfig cc;
  cc.name = "static-cluster";
  cc.connector_ref = "slave-connector";
  cc.static_connectors = {"master-connector"};
  cc.retry_interval_ms = 20;
  c.cluster_connections.push_back(cc);
  c.ha_policy.role = config::HaRole::backup;
  c.ha_policy.shared_store = true;
  return c;
}

}  // namespace

TEST_CASE("ha: a passive backup announces itself; it stops announcing once active") {
  TempDir dir;
  FakeStompPeer primary_port(FakeStompPeer::accepting({{"heart-beat", "50,50"}}));
  PrimaryHoldingLiveLock primary(dir.path());

  const auto config = backup_config(dir, primary_port.port());
  ThreadScheduler broker;
  LogCapture log;
  std::atomic<bool> serving{false};
  BrokerHooks hooks;
  hooks.activate = [&](std::function<void(bool)> done) {
    serving = true;
    done(true);
  };
  hooks.deactivate = [&](std::function<void()> done) {
    serving = false;
    done();
  };
  std::atomic<bool> stopped{false};
  hooks.on_stopped = [&](StopReason) { stopped = true; };
  auto options = ActivationOptions::from(config);
  options.state_poll = std::chrono::milliseconds(10);
  SharedStoreNode node(config, options, broker, log.logger(), hooks);
  node.start();
  REQUIRE(wait_until([&] { return primary_port.linked(); }));
  const auto frames = primary_port.frames();
  REQUIRE_FALSE(frames.empty());
  CHECK(frames[0].header_or("cluster-node-id", "") == node.node_id());
  CHECK(frames[0].header_or("cluster-backup-announce", "") == "tcp://localhost:61617");
  CHECK(wait_until([&] { return log.contains("AMQ221031"); }));

  primary.crash();
  REQUIRE(wait_until([&] { return serving.load(); }));
  CHECK(wait_until([&] { return !primary_port.linked(); }));  // announce link closed
  CHECK(wait_until([&] { return node.activation().phase() == Phase::active; }));
  // The active node advertises backups that announce to it.
  std::function<void()> gone;
  std::atomic<bool> announced{false};
  broker.post([&] {
    gone = node.backup_announce_handler()(node.node_id(), "tcp://h:61618");
    announced = node.topology().size() == 1;
  });
  REQUIRE(wait_until([&] { return announced.load(); }));
  std::vector<std::pair<std::string, std::string>> headers;
  std::atomic<bool> read{false};
  broker.post([&] {
    headers = node.connected_headers()();
    gone();
    read = true;
  });
  REQUIRE(wait_until([&] { return read.load(); }));
  REQUIRE(headers.size() == 1);
  CHECK(headers[0].second == "tcp://h:61618");
  node.stop();
  // on_stopped is the activation's last post: after it, destroying the node is safe.
  CHECK(wait_until([&] { return stopped.load(); }));
  CHECK(node.activation().phase() == Phase::stopped);
}
