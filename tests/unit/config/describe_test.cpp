#include <doctest/doctest.h>

#include <sstream>

#include "config/describe.hpp"
#include "config_test_support.hpp"

using namespace artemis::config;
using namespace artemis::config::test;

namespace {

TransportConfig transport(std::string name, std::string host, int port) {
  TransportConfig t;
  t.name = std::move(name);
  t.host = std::move(host);
  t.port = port;
  return t;
}

}  // namespace

TEST_CASE("config: client URL comes from the acceptor, else the connector, with wildcard hosts as localhost") {
  BrokerConfig c;
  c.acceptors = {transport("artemis", "0.0.0.0", 61616), transport("v6", "::", 61700),
                 transport("local6", "::1", 61701), transport("lan", "10.1.2.3", 61702)};
  c.connectors = {transport("artemis", "broker.example", 1), transport("peer", "peer.example", 61617)};
  CHECK(client_url_for(c, "artemis") == "tcp://localhost:61616");  // acceptor wins
  CHECK(client_url_for(c, "v6") == "tcp://localhost:61700");
  CHECK(client_url_for(c, "local6") == "tcp://[::1]:61701");
  CHECK(client_url_for(c, "lan") == "tcp://10.1.2.3:61702");
  CHECK(client_url_for(c, "peer") == "tcp://peer.example:61617");
  CHECK_FALSE(client_url_for(c, "nothing").has_value());
}

TEST_CASE("config: enum names print as broker.xml writes them") {
  CHECK(to_string(JournalType::asyncio) == "ASYNCIO");
  CHECK(to_string(JournalType::mapped) == "MAPPED");
  CHECK(to_string(RoutingType::multicast) == "MULTICAST");
  CHECK(to_string(AddressFullPolicy::block) == "BLOCK");
  CHECK(to_string(MessageLoadBalancing::off_with_redistribution) == "OFF_WITH_REDISTRIBUTION");
  CHECK(to_string(HaRole::backup) == "backup");
}

TEST_CASE("config: printing shows the effective values and hides the cluster password") {
  auto xml = insert_in_core(default_broker_xml(),
                            "<connectors><connector name=\"self\">tcp://localhost:61616</connector>"
                            "</connectors><cluster-user>admin</cluster-user>"
                            "<cluster-password>s3cret</cluster-password>");
  const auto r = load_ok(xml);
  std::ostringstream os;
  os << r.config;
  const auto text = os.str();
  CHECK(text.find("name: master\n") != std::string::npos);
  CHECK(text.find("journal-directory: /srv/brokers/master/data/journal\n") != std::string::npos);
  CHECK(text.find("  journal-type: NIO\n") != std::string::npos);
  CHECK(text.find("  journal-file-size: 10485760\n") != std::string::npos);
  CHECK(text.find("max-disk-usage: 90\nmin-disk-free: -1\n") != std::string::npos);
  CHECK(text.find("protocols: [CORE, AMQP, STOMP, HORNETQ, MQTT, OPENWIRE]") != std::string::npos);
  CHECK(text.find("  - name: artemis\n") != std::string::npos);
  CHECK(text.find("cluster-user: admin\n") != std::string::npos);
  CHECK(text.find("s3cret") == std::string::npos);
  CHECK(text.find("cluster-password: ****\n") != std::string::npos);
}

TEST_CASE("config: printing hides the password codec's parameters but its algorithm") {
  const auto r = load_ok(insert_in_core(
      default_broker_xml(),
      "<password-codec>org.apache.activemq.artemis.utils.DefaultSensitiveStringCodec;"
      "key=k3yk3y;algorithm=two-way;other=also-hidden</password-codec>"));
  std::ostringstream os;
  os << r.config;
  const auto text = os.str();
  CHECK(text.find("k3yk3y") == std::string::npos);
  CHECK(text.find("also-hidden") == std::string::npos);
  CHECK(text.find("DefaultSensitiveStringCodec;key=****;algorithm=two-way;other=****") !=
        std::string::npos);
}

TEST_CASE("config: the description tree has one entry per acceptor with its parameters") {
  const auto r = load_ok(default_broker_xml());
  const auto tree = describe(r.config);
  const ConfigNode* acceptors = nullptr;
  for (const auto& c : tree.children)
    if (c.key == "acceptors") acceptors = &c;
  REQUIRE(acceptors != nullptr);
  CHECK(acceptors->kind == ConfigNode::Kind::list);
  REQUIRE(acceptors->children.size() == 5);
  const auto& first = acceptors->children[0];
  CHECK(first.kind == ConfigNode::Kind::object);
  CHECK(first.children[0].key == "name");
  CHECK(std::get<std::string>(first.children[0].value) == "artemis");
}

TEST_CASE("config: the default journal timeouts depend on the journal type") {
  const std::string head = "<configuration xmlns=\"urn:activemq\"><core xmlns=\"urn:activemq:core\">";
  const std::string tail = "</core></configuration>";
  SUBCASE("ASYNCIO") {
    const auto r = load(head + "<journal-type>ASYNCIO</journal-type>" + tail);
    CHECK(r.config.journal.buffer_timeout_ns == 500000);
    CHECK(r.config.journal.max_io == 4096);
  }
  SUBCASE("NIO") {
    const auto r = load(head + "<journal-type>NIO</journal-type>" + tail);
    CHECK(r.config.journal.buffer_timeout_ns == 3333333);
    CHECK(r.config.journal.max_io == 1);
  }
  SUBCASE("nothing written: Artemis's defaults") {
    const auto r = load(head + tail);
    CHECK(r.ok());
    CHECK(r.config.name == "localhost");
    CHECK(r.config.journal.type == JournalType::asyncio);
    CHECK(r.config.journal.file_size == 10 * 1024 * 1024);
    CHECK(r.config.journal.pool_files == -1);
    CHECK(r.config.max_redelivery_records == 10);
    CHECK(r.config.journal_directory == "/srv/brokers/master/data/journal");
    CHECK(r.config.large_messages_directory == "/srv/brokers/master/data/large-messages");
    CHECK(r.config.acceptors.empty());
  }
}
