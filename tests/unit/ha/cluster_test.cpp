// cluster layer (linked through artemis_ha): Topology and BackupAnnouncer against a small
// STOMP listener on 127.0.0.1 that records what the announcer sends.
#include <doctest/doctest.h>

#include <atomic>
#include <vector>

#include "cluster/backup_announcer.hpp"
#include "cluster/topology.hpp"
#include "config/loader.hpp"
#include "stomp/codec.hpp"
#include "support/fake_stomp_peer.hpp"
#include "support/log_capture.hpp"
#include "support/wait.hpp"

using namespace artemis;
using namespace artemis::cluster;
using namespace artemis::test_support;
using namespace std::chrono_literals;

namespace {

// The primary's side of an announce link: CONNECTED with heart-beats every 50 ms.
FakeStompPeer::Handler primary_accepting() {
  return FakeStompPeer::accepting({{"heart-beat", "50,50"}});
}

AnnouncerOptions announcer_options(int port) {
  AnnouncerOptions o;
  o.targets.push_back({"master-connector", "127.0.0.1", port});
  o.cluster_name = "static-cluster";
  o.login = "admin";
  o.passcode = "secret";
  o.node_id = "4a7c1a3e-2b11-11ef-9f55-0242ac120002";
  o.announce_url = "tcp://localhost:61617";
  o.retry_interval = std::chrono::milliseconds(20);
  o.max_retry_interval = std::chrono::milliseconds(20);
  o.heartbeat = std::chrono::milliseconds(50);
  return o;
}

}  // namespace

TEST_CASE("cluster: topology advertises announced backups of our node until their link closes") {
  Topology t;
  t.set_node_id("node-a");
  CHECK(t.connected_headers().empty());
  auto gone1 = t.announce_backup("node-a", "tcp://localhost:61617");
  auto gone2 = t.announce_backup("node-a", "tcp://localhost:61617");  // reconnect: no duplicate
  auto other = t.announce_backup("node-b", "tcp://localhost:61700");  // not our backup
  auto gone3 = t.announce_backup("node-a", "tcp://h2:61618");
  CHECK(t.failover_servers() == "tcp://localhost:61617,tcp://h2:61618");
  REQUIRE(t.connected_headers().size() == 1);
  CHECK(t.connected_headers()[0].first == "failover-servers");
  gone1();
  CHECK(t.failover_servers() == "tcp://localhost:61617,tcp://h2:61618");  // gone2 still there
  gone2();
  gone3();
  CHECK(t.failover_servers().empty());
  CHECK(t.size() == 1);
  other();
  CHECK(t.size() == 0);
}

TEST_CASE("cluster: a removal after the topology is gone is harmless") {
  std::function<void()> gone;
  {
    Topology t;
    gone = t.announce_backup("n", "tcp://x:1");
  }
  gone();
}

TEST_CASE("cluster: the announcer sends the cluster credentials and headers, logs AMQ221031") {
  FakeStompPeer peer(primary_accepting());
  LogCapture log;
  BackupAnnouncer a(announcer_options(peer.port()), log.logger());
  a.start();
  REQUIRE(wait_until([&] { return a.announced(); }));
  const auto frames = peer.frames();
  REQUIRE(frames.size() >= 1);
  const auto& f = frames[0];
  CHECK(f.command == "CONNECT");
  CHECK(f.header_or("login", "") == "admin");
  CHECK(f.header_or("passcode", "") == "secret");
  CHECK(f.header_or("cluster-node-id", "") == "4a7c1a3e-2b11-11ef-9f55-0242ac120002");
  CHECK(f.header_or("cluster-backup-announce", "") == "tcp://localhost:61617");
  CHECK(f.header_or("accept-version", "") == "1.2");
  CHECK(log.contains("AMQ221031"));
  // The link is kept with heart-beats (50 ms negotiated).
  CHECK(wait_until([&] { return peer.heartbeats() >= 3; }, 3000ms));
  CHECK(a.announced());
  a.stop();
  CHECK_FALSE(a.announced());
  CHECK(wait_until([&] { return !peer.linked(); }));
}

TEST_CASE("cluster: the announcer retries after a refusal and after a dropped link") {
  std::atomic<bool> refuse{true};
  const auto accept = primary_accepting();
  FakeStompPeer peer([&](const stomp::Frame& f, FakeStompPeer::Conn& c) {
    if (!refuse) {
      accept(f, c);
    } else if (f.command == "CONNECT") {
      c.reply(FakeStompPeer::error("Security Error: bad cluster credentials"));
      c.close();
    }
  });
  LogCapture log;
  BackupAnnouncer a(announcer_options(peer.port()), log.logger());
  a.start();
  REQUIRE(wait_until([&] { return peer.frames().size() >= 2; }));  // refused, then retried
  CHECK(log.contains("AMQ222137"));
  CHECK(log.contains("bad cluster credentials"));
  CHECK_FALSE(a.announced());
  refuse = false;
  REQUIRE(wait_until([&] { return a.announced(); }));
  const auto before = a.announcements();
  peer.drop_link();
  REQUIRE(wait_until([&] { return a.announcements() > before; }));  // re-announced
  a.stop();
}

TEST_CASE("cluster: the announcer retries a refused TCP connect and stops promptly") {
  // A port nobody listens on: take one, then close it.
  int port;
  {
    FakeStompPeer probe(primary_accepting());
    port = probe.port();
  }
  LogCapture log;
  BackupAnnouncer a(announcer_options(port), log.logger());
  a.start();
  REQUIRE(wait_until([&] { return log.contains("AMQ222137"); }));
  const auto t0 = std::chrono::steady_clock::now();
  a.stop();
  CHECK(std::chrono::steady_clock::now() - t0 < 500ms);
}

TEST_CASE("cluster: announcer options come from the cluster-connection and connectors") {
  config::BrokerConfig c;
  c.connectors.push_back({"master-connector", "tcp://localhost:61616", "tcp", "localhost", 61616});
  c.connectors.push_back({"slave-connector", "tcp://localhost:61617", "tcp", "localhost", 61617});
  c.cluster_user = "admin";
  c.cluster_password = "admin";
  config::ClusterConnectionConfig cc;
  cc.name = "static-cluster";
  cc.connector_ref = "slave-connector";
  cc.static_connectors = {"master-connector"};
  c.cluster_connections.push_back(cc);
  AnnouncerOptions o;
  std::string error;
  REQUIRE(AnnouncerOptions::from(c, "id-1", o, error));
  CHECK(o.announce_url == "tcp://localhost:61617");
  REQUIRE(o.targets.size() == 1);
  CHECK(o.targets[0].port == 61616);
  CHECK(o.login == "admin");
  CHECK(o.node_id == "id-1");
  CHECK(o.retry_interval == std::chrono::milliseconds(500));
  c.cluster_connections[0].connector_ref = "nope";
  CHECK_FALSE(AnnouncerOptions::from(c, "id-1", o, error));
  CHECK(error.find("nope") != std::string::npos);
  c.cluster_connections.clear();
  CHECK_FALSE(AnnouncerOptions::from(c, "id-1", o, error));
}

TEST_CASE("backup announcer: a connector's masked store password reaches its TLS as decoded") {
  // Key "artemisfun" (password-codec, mask-password true): a URL parser with the default key
  // could not read it, so the announcer takes the connector's resolved parameters.
  const std::string xml = R"(<configuration xmlns="urn:activemq">
<core xmlns="urn:activemq:core">
  <mask-password>true</mask-password>
  <password-codec>org.apache.activemq.artemis.utils.DefaultSensitiveStringCodec;)"
                          R"(key=artemisfun</password-codec>
  <connectors>
    <connector name="self">tcp://localhost:61617</connector>
    <connector name="master">tcp://localhost:61616?sslEnabled=true;trustStorePath=/t.pem;)"
                          R"(trustStorePassword=-2b8e3b47950b9b481a6f3100968e42e9</connector>
  </connectors>
  <cluster-connections>
    <cluster-connection name="static-cluster">
      <connector-ref>self</connector-ref>
      <static-connectors><connector-ref>master</connector-ref></static-connectors>
    </cluster-connection>
  </cluster-connections>
</core>
</configuration>
)";
  const auto loaded = config::load_broker_xml_string(
      xml, "broker.xml", "/srv/b", [](std::string_view) { return std::optional<std::string>{}; });
  for (const auto& e : loaded.errors) INFO(e.to_string());
  REQUIRE(loaded.ok());
  AnnouncerOptions o;
  std::string error;
  REQUIRE_MESSAGE(AnnouncerOptions::from(loaded.config, "node", o, error), error);
  REQUIRE(o.targets.size() == 1);
  CHECK(o.targets[0].tls.enabled);
  CHECK(o.targets[0].tls.trust_store.path == "/t.pem");
  CHECK(o.targets[0].tls.trust_store.password == "password");
}
