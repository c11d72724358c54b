// The acceptance story's broker.xml edits (seed lab "Master/Slave - Shared Store"), applied to
// the file `artemis create` writes, for both nodes.
#include <doctest/doctest.h>

#include "config_test_support.hpp"

using namespace artemis::config;
using namespace artemis::config::test;

namespace {

// What `create brokers/slave --name slave --port-offset 1` writes differs from the master's file
// only in the name and the ports.
std::string slave_default_xml() {
  auto xml = default_broker_xml();
  xml = replace_once(xml, "<name>master</name>", "<name>slave</name>");
  xml = replace_once(xml, "0.0.0.0:61616", "0.0.0.0:61617");
  xml = replace_once(xml, "0.0.0.0:5672", "0.0.0.0:5673");
  xml = replace_once(xml, "0.0.0.0:61613", "0.0.0.0:61614");
  xml = replace_once(xml, "0.0.0.0:5445", "0.0.0.0:5446");
  xml = replace_once(xml, "0.0.0.0:1883", "0.0.0.0:1884");
  return xml;
}

std::string move_directories(std::string xml) {
  xml = replace_once(xml, "<paging-directory>data/paging</paging-directory>",
                     "<paging-directory>../sharedstore/data/paging</paging-directory>");
  xml = replace_once(xml, "<bindings-directory>data/bindings</bindings-directory>",
                     "<bindings-directory>../sharedstore/data/bindings</bindings-directory>");
  xml = replace_once(xml, "<journal-directory>data/journal</journal-directory>",
                     "<journal-directory>../sharedstore/data/journal</journal-directory>");
  xml = replace_once(
      xml, "<large-messages-directory>data/large-messages</large-messages-directory>",
      "<large-messages-directory>../sharedstore/data/large-messages</large-messages-directory>");
  return xml;
}

const char* kConnectors = R"(
<connectors>
  <connector name="master-connector">tcp://localhost:61616</connector>
  <connector name="slave-connector">tcp://localhost:61617</connector>
</connectors>

<cluster-user>admin</cluster-user>
<cluster-password>admin</cluster-password>
)";

std::string cluster(const std::string& self, const std::string& other) {
  return R"(
<cluster-connections>
  <cluster-connection name="static-cluster">
    <connector-ref>)" + self + R"(</connector-ref>
    <static-connectors>
      <connector-ref>)" + other + R"(</connector-ref>
    </static-connectors>
  </cluster-connection>
</cluster-connections>
)";
}

const char* kMasterHa = R"(
<ha-policy>
  <shared-store>
    <master>
      <failover-on-shutdown>true</failover-on-shutdown>
    </master>
  </shared-store>
</ha-policy>
)";

const char* kSlaveHa = R"(
<ha-policy>
  <shared-store>
    <slave>
      <failover-on-shutdown>true</failover-on-shutdown>
      <allow-failback>true</allow-failback>
    </slave>
  </shared-store>
</ha-policy>
)";

void check_shared_store_paths(const BrokerConfig& c) {
  CHECK(c.paging_directory == "/srv/brokers/sharedstore/data/paging");
  CHECK(c.bindings_directory == "/srv/brokers/sharedstore/data/bindings");
  CHECK(c.journal_directory == "/srv/brokers/sharedstore/data/journal");
  CHECK(c.large_messages_directory == "/srv/brokers/sharedstore/data/large-messages");
  CHECK(c.node_manager_lock_directory == "/srv/brokers/sharedstore/data/journal");
}

void check_connectors(const BrokerConfig& c) {
  REQUIRE(c.connectors.size() == 2);
  const auto* m = c.find_connector("master-connector");
  const auto* s = c.find_connector("slave-connector");
  REQUIRE(m != nullptr);
  REQUIRE(s != nullptr);
  CHECK(m->host == "localhost");
  CHECK(m->port == 61616);
  CHECK(s->port == 61617);
  CHECK(m->url == "tcp://localhost:61616");
  CHECK(c.find_connector("artemis") == nullptr);
  CHECK(c.cluster_user == "admin");
  CHECK(c.cluster_password == "admin");
}

std::vector<std::string> warning_texts(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& w : r.warnings) out.push_back(w.to_string());
  return out;
}

}  // namespace

TEST_CASE("config: the default create output loads with its values and no warnings") {
  const auto r = load_ok(default_broker_xml());
  const auto& c = r.config;
  CHECK(r.warnings.empty());
  for (const auto& w : r.warnings) MESSAGE(w.to_string());
  CHECK(c.name == "master");
  CHECK(c.persistence_enabled);
  CHECK(c.security_enabled);
  CHECK(c.max_redelivery_records == 1);
  CHECK(c.journal.type == JournalType::nio);
  CHECK(c.journal.datasync);
  CHECK(c.journal.min_files == 2);
  CHECK(c.journal.pool_files == 10);
  CHECK(c.journal.device_block_size == 4096);
  CHECK(c.journal.file_size == 10 * 1024 * 1024);
  CHECK(c.journal.buffer_timeout_ns == 16000);
  CHECK(c.journal.max_io == 1);
  CHECK(c.journal.page_sync_timeout_ns == 16000);
  CHECK(c.disk_scan_period_ms == 5000);
  CHECK(c.max_disk_usage == 90);
  CHECK(c.min_disk_free == -1);
  CHECK(c.global_max_messages == -1);
  CHECK(c.global_max_size == -1);
  CHECK(c.critical_analyzer.enabled);
  CHECK(c.critical_analyzer.policy == "HALT");
  CHECK(c.paging_directory == "/srv/brokers/master/data/paging");
  CHECK(c.journal_directory == "/srv/brokers/master/data/journal");
  CHECK(c.node_manager_lock_directory == "/srv/brokers/master/data/journal");
  CHECK(c.ha_policy.role == HaRole::none);
  CHECK(c.cluster_connections.empty());
  CHECK_FALSE(c.cluster_user.has_value());

  REQUIRE(c.acceptors.size() == 5);
  const auto* artemis = c.find_acceptor("artemis");
  REQUIRE(artemis != nullptr);
  CHECK(artemis->host == "0.0.0.0");
  CHECK(artemis->port == 61616);
  CHECK(artemis->protocols ==
        std::vector<std::string>{"CORE", "AMQP", "STOMP", "HORNETQ", "MQTT", "OPENWIRE"});
  CHECK(artemis->params.at("tcpSendBufferSize") == "1048576");
  CHECK(artemis->params.at("supportAdvisory") == "false");
  const auto* hornetq = c.find_acceptor("hornetq");
  REQUIRE(hornetq != nullptr);
  CHECK(hornetq->port == 5445);
  CHECK(hornetq->params.at("anycastPrefix") == "jms.queue.");
  CHECK(hornetq->protocols == std::vector<std::string>{"HORNETQ", "STOMP"});
  CHECK(c.find_acceptor("stomp")->protocols == std::vector<std::string>{"STOMP"});
  CHECK(c.find_acceptor("mqtt")->port == 1883);
  CHECK(c.find_acceptor("amqp")->params.at("amqpCredits") == "1000");

  REQUIRE(c.security_settings.size() == 1);
  CHECK(c.security_settings[0].match == "#");
  CHECK(c.security_settings[0].permissions.size() == 10);
  CHECK(c.security_settings[0].permissions[0].type == "createNonDurableQueue");
  CHECK(c.security_settings[0].permissions[0].roles == std::vector<std::string>{"amq"});

  REQUIRE(c.address_settings.size() == 2);
  const auto& mgmt = c.address_settings[0];
  CHECK(mgmt.match == "activemq.management.#");
  CHECK(mgmt.max_size_bytes == -1);
  CHECK_FALSE(mgmt.page_size_bytes.has_value());
  const auto& all = c.address_settings[1];
  CHECK(all.match == "#");
  CHECK(all.dead_letter_address == "DLQ");
  CHECK(all.expiry_address == "ExpiryQueue");
  CHECK(all.redelivery_delay == 0);
  CHECK(all.address_full_policy == AddressFullPolicy::page);
  CHECK(all.auto_create_queues == true);
  CHECK(all.auto_delete_queues == false);
  CHECK(all.page_size_bytes == 10 * 1024 * 1024);
  CHECK(all.max_read_page_bytes == 20 * 1024 * 1024);
  CHECK(all.max_read_page_messages == -1);
  CHECK(all.message_counter_history_day_limit == 10);

  REQUIRE(c.addresses.size() == 2);
  CHECK(c.addresses[0].name == "DLQ");
  CHECK(c.addresses[0].anycast);
  CHECK_FALSE(c.addresses[0].multicast);
  REQUIRE(c.addresses[0].queues.size() == 1);
  CHECK(c.addresses[0].queues[0].name == "DLQ");
  CHECK(c.addresses[0].queues[0].routing_type == RoutingType::anycast);
  CHECK(c.addresses[0].queues[0].durable);
  CHECK(c.addresses[1].queues[0].name == "ExpiryQueue");
}

TEST_CASE("config: the lab's master edits load as a shared-store primary") {
  auto xml = move_directories(default_broker_xml());
  xml = insert_in_core(xml, kConnectors + cluster("master-connector", "slave-connector") + kMasterHa);
  const auto r = load_ok(xml, "/srv/brokers/master");
  const auto& c = r.config;
  CHECK(c.name == "master");
  check_shared_store_paths(c);
  check_connectors(c);
  REQUIRE(c.cluster_connections.size() == 1);
  const auto& cc = c.cluster_connections[0];
  CHECK(cc.name == "static-cluster");
  CHECK(cc.connector_ref == "master-connector");
  CHECK(cc.static_connectors == std::vector<std::string>{"slave-connector"});
  CHECK(cc.max_hops == 1);
  CHECK(cc.message_load_balancing == MessageLoadBalancing::on_demand);
  CHECK(cc.retry_interval_ms == 500);
  CHECK(c.ha_policy.shared_store);
  CHECK_FALSE(c.ha_policy.replication);
  CHECK(c.ha_policy.role == HaRole::primary);
  CHECK(c.ha_policy.legacy_names);
  CHECK(c.ha_policy.failover_on_shutdown);
  CHECK(c.ha_policy.wait_for_activation);
  // The only warning is the deprecated <master> name, with Artemis's code.
  const auto w = warning_texts(r);
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("AMQ221038") != std::string::npos);
  CHECK(w[0].find("'master'") != std::string::npos);
  CHECK(w[0].find("'primary'") != std::string::npos);
  CHECK(client_url_for(c, "artemis") == "tcp://localhost:61616");
}

TEST_CASE("config: the lab's slave edits load as a shared-store backup") {
  auto xml = move_directories(slave_default_xml());
  xml = insert_in_core(xml, kConnectors + cluster("slave-connector", "master-connector") + kSlaveHa);
  const auto r = load_ok(xml, "/srv/brokers/slave");
  const auto& c = r.config;
  CHECK(c.name == "slave");
  check_shared_store_paths(c);
  check_connectors(c);
  REQUIRE(c.cluster_connections.size() == 1);
  CHECK(c.cluster_connections[0].connector_ref == "slave-connector");
  CHECK(c.cluster_connections[0].static_connectors == std::vector<std::string>{"master-connector"});
  CHECK(c.ha_policy.shared_store);
  CHECK(c.ha_policy.role == HaRole::backup);
  CHECK(c.ha_policy.legacy_names);
  CHECK(c.ha_policy.failover_on_shutdown);
  CHECK(c.ha_policy.allow_failback);
  CHECK(c.ha_policy.restart_backup);  // code default, not the XSD's
  CHECK_FALSE(c.ha_policy.scale_down);
  CHECK(c.find_acceptor("artemis")->port == 61617);
  CHECK(client_url_for(c, "artemis") == "tcp://localhost:61617");
  CHECK(client_url_for(c, "master-connector") == "tcp://localhost:61616");
  const auto w = warning_texts(r);
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("AMQ221038") != std::string::npos);
  CHECK(w[0].find("'slave'") != std::string::npos);
}

TEST_CASE("config: connectors may come after the cluster connection that names them") {
  auto xml = move_directories(default_broker_xml());
  // Reverse order of the lab's snippet: references resolve after the whole file is read.
  xml = insert_in_core(xml, cluster("master-connector", "slave-connector") + kMasterHa + kConnectors);
  const auto r = load_ok(xml);
  CHECK(r.config.cluster_connections.size() == 1);
}

TEST_CASE("config: primary/backup names need no deprecation warning") {
  auto xml = insert_in_core(default_broker_xml(),
                            std::string(kConnectors) + cluster("slave-connector", "master-connector") +
                                "<ha-policy><shared-store><backup><allow-failback>false</allow-failback>"
                                "<restart-backup>false</restart-backup></backup></shared-store></ha-policy>");
  const auto r = load_ok(xml);
  CHECK(r.warnings.empty());
  CHECK(r.config.ha_policy.role == HaRole::backup);
  CHECK_FALSE(r.config.ha_policy.legacy_names);
  CHECK_FALSE(r.config.ha_policy.allow_failback);
  CHECK_FALSE(r.config.ha_policy.restart_backup);
  CHECK_FALSE(r.config.ha_policy.failover_on_shutdown);
}

TEST_CASE("config: absolute directories stay as written") {
  auto xml = replace_once(default_broker_xml(), "<journal-directory>data/journal</journal-directory>",
                          "<journal-directory>/mnt/san/journal</journal-directory>"
                          "<node-manager-lock-directory>/mnt/san/lock</node-manager-lock-directory>");
  const auto r = load_ok(xml);
  CHECK(r.config.journal_directory == "/mnt/san/journal");
  CHECK(r.config.node_manager_lock_directory == "/mnt/san/lock");
  CHECK(r.config.bindings_directory == "/srv/brokers/master/data/bindings");
}
