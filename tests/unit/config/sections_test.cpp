// Every field of the list sections, set to a non-default value, read back.
#include <doctest/doctest.h>

#include "config_test_support.hpp"

using namespace artemis::config;
using namespace artemis::config::test;

namespace {

std::string core(const std::string& body) {
  return "<configuration xmlns=\"urn:activemq\">\n<core xmlns=\"urn:activemq:core\">\n" + body +
         "\n</core>\n</configuration>\n";
}

}  // namespace

TEST_CASE("config: cluster connection children are read") {
  const auto r = load_ok(core(R"(
    <connectors>
      <connector name="a">tcp://h1:61616?sslEnabled=true</connector>
      <connector name = "b">tcp://h2:61617</connector>
      <connector name="c">tcp://[::1]:61618</connector>
    </connectors>
    <cluster-connections>
      <cluster-connection name="my-cluster">
        <address>orders,!orders.internal</address>
        <connector-ref>a</connector-ref>
        <check-period>1000</check-period>
        <connection-ttl>5000</connection-ttl>
        <min-large-message-size>50K</min-large-message-size>
        <call-timeout>1000</call-timeout>
        <retry-interval>250</retry-interval>
        <retry-interval-multiplier>2.5</retry-interval-multiplier>
        <max-retry-interval>8000</max-retry-interval>
        <initial-connect-attempts>3</initial-connect-attempts>
        <reconnect-attempts>7</reconnect-attempts>
        <use-duplicate-detection>false</use-duplicate-detection>
        <message-load-balancing>OFF_WITH_REDISTRIBUTION</message-load-balancing>
        <max-hops>0</max-hops>
        <notification-interval>500</notification-interval>
        <static-connectors allow-direct-connections-only="true">
          <connector-ref>b</connector-ref>
          <connector-ref>c</connector-ref>
        </static-connectors>
      </cluster-connection>
    </cluster-connections>)"));
  CHECK(r.warnings.size() == 1);  // only: security-enabled without security-settings
  REQUIRE(r.config.cluster_connections.size() == 1);
  const auto& cc = r.config.cluster_connections[0];
  CHECK(cc.name == "my-cluster");
  CHECK(cc.address == "orders,!orders.internal");
  CHECK(cc.connector_ref == "a");
  CHECK(cc.static_connectors == std::vector<std::string>{"b", "c"});
  CHECK(cc.check_period_ms == 1000);
  CHECK(cc.connection_ttl_ms == 5000);
  CHECK(cc.retry_interval_ms == 250);
  CHECK(cc.retry_interval_multiplier == doctest::Approx(2.5));
  CHECK(cc.max_retry_interval_ms == 8000);
  CHECK(cc.initial_connect_attempts == 3);
  CHECK(cc.reconnect_attempts == 7);
  CHECK_FALSE(cc.use_duplicate_detection);
  CHECK(cc.message_load_balancing == MessageLoadBalancing::off_with_redistribution);
  CHECK(cc.max_hops == 0);
  CHECK(r.config.find_connector("a")->params.at("sslEnabled") == "true");
  CHECK(r.config.find_connector("b")->host == "h2");
  CHECK(r.config.find_connector("c")->host == "::1");
  CHECK(r.config.find_connector("c")->port == 61618);
}

TEST_CASE("config: forward-when-no-consumers maps onto message-load-balancing") {
  const auto r = load_ok(core(R"(
    <connectors><connector name="a">tcp://h1:61616</connector></connectors>
    <cluster-connections><cluster-connection name="x"><connector-ref>a</connector-ref>
      <forward-when-no-consumers>true</forward-when-no-consumers>
    </cluster-connection></cluster-connections>)"));
  CHECK(r.config.cluster_connections[0].message_load_balancing == MessageLoadBalancing::strict);
}

TEST_CASE("config: addresses, queues and their attributes are read") {
  const auto r = load_ok(core(R"(
    <addresses>
      <address name="orders"><anycast><queue name="orders" max-consumers="1" purge-on-no-consumers="true"/></anycast></address>
      <address name="prices"><multicast/></address>
      <address name="audit">
        <multicast>
          <queue name="auditor"><durable>false</durable><user>bob</user></queue>
          <queue name="red-only"><filter string="color='red'"/></queue>
        </multicast>
        <anycast/>
      </address>
    </addresses>)"));
  REQUIRE(r.config.addresses.size() == 3);
  const auto& orders = r.config.addresses[0];
  CHECK(orders.anycast);
  CHECK_FALSE(orders.multicast);
  REQUIRE(orders.queues.size() == 1);
  CHECK(orders.queues[0].max_consumers == 1);
  CHECK(orders.queues[0].purge_on_no_consumers);
  const auto& prices = r.config.addresses[1];
  CHECK(prices.multicast);
  CHECK(prices.queues.empty());
  const auto& audit = r.config.addresses[2];
  CHECK(audit.anycast);
  CHECK(audit.multicast);
  REQUIRE(audit.queues.size() == 2);
  CHECK(audit.queues[0].routing_type == RoutingType::multicast);
  CHECK_FALSE(audit.queues[0].durable);
  CHECK(audit.queues[0].user == "bob");
  CHECK(audit.queues[1].filter == "color='red'");
  CHECK(audit.queues[1].max_consumers == -1);
}

TEST_CASE("config: security roles are a comma list with spaces trimmed") {
  const auto r = load_ok(core(R"(
    <security-settings>
      <security-setting match="orders.#">
        <permission type="send" roles="producer, admin ,ops"/>
        <permission type="consume" roles="consumer"/>
      </security-setting>
    </security-settings>)"));
  REQUIRE(r.config.security_settings.size() == 1);
  const auto& s = r.config.security_settings[0];
  CHECK(s.match == "orders.#");
  REQUIRE(s.permissions.size() == 2);
  CHECK(s.permissions[0].type == "send");
  CHECK(s.permissions[0].roles == std::vector<std::string>{"producer", "admin", "ops"});
  CHECK(s.permissions[1].roles == std::vector<std::string>{"consumer"});
  CHECK(r.warnings.empty());
}

TEST_CASE("config: every address-setting field is read") {
  const auto r = load_ok(core(R"(
    <address-settings><address-setting match="orders.#">
      <dead-letter-address>DLA</dead-letter-address>
      <expiry-address>EXP</expiry-address>
      <expiry-delay>60000</expiry-delay>
      <redelivery-delay>100</redelivery-delay>
      <redelivery-delay-multiplier>2.0</redelivery-delay-multiplier>
      <max-redelivery-delay>5000</max-redelivery-delay>
      <max-delivery-attempts>3</max-delivery-attempts>
      <max-size-bytes>100MB</max-size-bytes>
      <max-size-messages>1000</max-size-messages>
      <page-size-bytes>1M</page-size-bytes>
      <address-full-policy>BLOCK</address-full-policy>
      <message-counter-history-day-limit>5</message-counter-history-day-limit>
      <auto-create-queues>false</auto-create-queues>
      <auto-create-addresses>false</auto-create-addresses>
      <auto-delete-queues>true</auto-delete-queues>
      <auto-delete-addresses>true</auto-delete-addresses>
      <auto-delete-queues-delay>1000</auto-delete-queues-delay>
      <auto-delete-queues-message-count>-1</auto-delete-queues-message-count>
      <auto-delete-queues-skip-usage-check>true</auto-delete-queues-skip-usage-check>
      <auto-delete-addresses-delay>2500</auto-delete-addresses-delay>
      <auto-delete-addresses-skip-usage-check>true</auto-delete-addresses-skip-usage-check>
      <auto-create-dead-letter-resources>true</auto-create-dead-letter-resources>
      <auto-create-expiry-resources>true</auto-create-expiry-resources>
      <default-address-routing-type>ANYCAST</default-address-routing-type>
      <default-queue-routing-type>anycast</default-queue-routing-type>
      <send-to-dla-on-no-route>true</send-to-dla-on-no-route>
      <default-consumer-window-size>0</default-consumer-window-size>
      <id-cache-size>500</id-cache-size>
      <max-read-page-bytes>2M</max-read-page-bytes>
      <max-read-page-messages>100</max-read-page-messages>
      <page-limit-bytes>1G</page-limit-bytes>
      <page-limit-messages>1000000</page-limit-messages>
    </address-setting></address-settings>)"));
  REQUIRE(r.config.address_settings.size() == 1);
  const auto& a = r.config.address_settings[0];
  CHECK(a.dead_letter_address == "DLA");
  CHECK(a.expiry_address == "EXP");
  CHECK(a.expiry_delay == 60000);
  CHECK(a.redelivery_delay == 100);
  CHECK(a.redelivery_delay_multiplier == 2.0);
  CHECK(a.max_redelivery_delay == 5000);
  CHECK(a.max_delivery_attempts == 3);
  CHECK(a.max_size_bytes == 100LL * 1024 * 1024);
  CHECK(a.max_size_messages == 1000);
  CHECK(a.page_size_bytes == 1024 * 1024);
  CHECK(a.address_full_policy == AddressFullPolicy::block);
  CHECK(a.message_counter_history_day_limit == 5);
  CHECK(a.auto_create_queues == false);
  CHECK(a.auto_create_addresses == false);
  CHECK(a.auto_delete_queues == true);
  CHECK(a.auto_delete_addresses == true);
  CHECK(a.auto_delete_queues_delay == 1000);
  CHECK(a.auto_delete_queues_message_count == -1);
  CHECK(a.auto_delete_queues_skip_usage_check == true);
  CHECK(a.auto_delete_addresses_delay == 2500);
  CHECK(a.auto_delete_addresses_skip_usage_check == true);
  CHECK(a.auto_create_dead_letter_resources == true);
  CHECK(a.auto_create_expiry_resources == true);
  CHECK(a.default_address_routing_type == RoutingType::anycast);
  CHECK(a.default_queue_routing_type == RoutingType::anycast);
  CHECK(a.send_to_dla_on_no_route == true);
  CHECK(a.default_consumer_window_size == 0);
  CHECK(a.id_cache_size == 500);
  CHECK(a.max_read_page_bytes == 2 * 1024 * 1024);
  CHECK(a.max_read_page_messages == 100);
  CHECK(a.page_limit_bytes == 1024LL * 1024 * 1024);
  CHECK(a.page_limit_messages == 1000000);
}

TEST_CASE("config: wildcard syntax and scalar core options are read") {
  const auto r = load_ok(core(R"(
    <wildcard-addresses>
      <routing-enabled>false</routing-enabled>
      <delimiter>/</delimiter>
      <any-words>%</any-words>
      <single-word>+</single-word>
    </wildcard-addresses>
    <security-enabled>false</security-enabled>
    <journal-type>MAPPED</journal-type>
    <journal-compact-min-files>0</journal-compact-min-files>
    <journal-compact-percentage>50</journal-compact-percentage>
    <journal-buffer-size>1MB</journal-buffer-size>
    <journal-sync-transactional>false</journal-sync-transactional>
    <journal-sync-non-transactional>false</journal-sync-non-transactional>
    <journal-lock-acquisition-timeout>30000</journal-lock-acquisition-timeout>
    <global-max-size>512M</global-max-size>
    <global-max-messages>100000</global-max-messages>
    <global-max-size-percent-of-jvm-max-memory>25</global-max-size-percent-of-jvm-max-memory>
    <max-disk-usage>-1</max-disk-usage>
    <min-disk-free>2GB</min-disk-free>
    <message-expiry-scan-period>-1</message-expiry-scan-period>
    <address-queue-scan-period>100</address-queue-scan-period>
    <id-cache-size>100</id-cache-size>
    <persist-id-cache>false</persist-id-cache>
    <connection-ttl-override>10000</connection-ttl-override>
    <transaction-timeout>60000</transaction-timeout>
    <management-address>mgmt</management-address>)"));
  const auto& c = r.config;
  CHECK_FALSE(c.wildcards.routing_enabled);
  CHECK(c.wildcards.delimiter == '/');
  CHECK(c.wildcards.any_words == '%');
  CHECK(c.wildcards.single_word == '+');
  CHECK_FALSE(c.security_enabled);
  CHECK(c.journal.type == JournalType::mapped);
  CHECK(c.journal.buffer_timeout_ns == 3333333);
  CHECK(c.journal.compact_min_files == 0);
  CHECK(c.journal.compact_percentage == 50);
  CHECK(c.journal.buffer_size == 1024 * 1024);
  CHECK_FALSE(c.journal.sync_transactional);
  CHECK_FALSE(c.journal.sync_non_transactional);
  CHECK(c.journal.lock_acquisition_timeout_ms == 30000);
  CHECK(c.global_max_size == 512LL * 1024 * 1024);
  CHECK(c.global_max_messages == 100000);
  CHECK(c.global_max_size_percent == 25);
  CHECK(effective_global_max_size(c, 1000) == 512LL * 1024 * 1024);  // set: taken as it is
  CHECK(c.max_disk_usage == -1);
  CHECK(c.min_disk_free == 2LL * 1024 * 1024 * 1024);
  CHECK(c.message_expiry_scan_period_ms == -1);
  CHECK(c.address_queue_scan_period_ms == 100);
  CHECK(c.id_cache_size == 100);
  CHECK_FALSE(c.persist_id_cache);
  CHECK(c.connection_ttl_override_ms == 10000);
  CHECK(c.transaction_timeout_ms == 60000);
  CHECK(c.management_address == "mgmt");
  CHECK(r.warnings.empty());
}

TEST_CASE("config: namespace prefixes do not matter") {
  const auto r = load_ok(
      "<a:configuration xmlns:a=\"urn:activemq\"><c:core xmlns:c=\"urn:activemq:core\">"
      "<c:name>prefixed</c:name><c:security-enabled>false</c:security-enabled>"
      "</c:core></a:configuration>");
  CHECK(r.config.name == "prefixed");
}

TEST_CASE("config: sizes may be written as 10M, 10MB, 10MiB or bytes") {
  for (const char* written : {"10M", "10MB", "10MiB", "10485760", " 10m "}) {
    CAPTURE(std::string(written));
    const auto r = load_ok(core(std::string("<journal-file-size>") + written +
                                "</journal-file-size><security-enabled>false</security-enabled>"));
    CHECK(r.config.journal.file_size == 10485760);
  }
}

TEST_CASE("config: min-disk-free takes byte notation as Artemis's ByteUtil does") {
  for (const auto& spelling : {std::pair{"100M", 100LL << 20}, std::pair{"1GB", 1LL << 30},
                                std::pair{"512KiB", 512LL << 10}, std::pair{"-1", -1LL},
                                std::pair{"1048576", 1048576LL}}) {
    // A named pair, not a structured binding: clang 14 cannot capture bindings in CAPTURE.
    const std::string written = spelling.first;
    CAPTURE(written);
    const auto r = load_ok(core("<min-disk-free>" + written +
                                "</min-disk-free><security-enabled>false</security-enabled>"));
    CHECK(r.config.min_disk_free == spelling.second);
  }
}

TEST_CASE("config: protocols= is upper-cased and unknown protocols are flagged") {
  const auto r = load_ok(core(
      "<security-enabled>false</security-enabled><acceptors>\n"
      "<acceptor name=\"a\">tcp://127.0.0.1:61616?protocols=stomp, amqp;handshake-timeout=5</acceptor>\n"
      "<acceptor name=\"b\">tcp://127.0.0.1:61617?protocols=STOMP,GOPHER</acceptor></acceptors>"));
  REQUIRE(r.config.acceptors.size() == 2);
  CHECK(r.config.acceptors[0].protocols == std::vector<std::string>{"STOMP", "AMQP"});
  CHECK(r.config.acceptors[0].params.at("handshake-timeout") == "5");
  CHECK(r.config.acceptors[1].protocols == std::vector<std::string>{"STOMP", "GOPHER"});
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].line == 5);
  CHECK(r.warnings[0].message.find("protocol 'GOPHER' is unknown") != std::string::npos);
}

TEST_CASE("config: global-max-size -1 is a share of the memory") {
  BrokerConfig c;
  CHECK(c.global_max_size == -1);
  CHECK(effective_global_max_size(c, 8'000'000'001) == 4'000'000'000);  // half by default
  c.global_max_size_percent = 25;
  CHECK(effective_global_max_size(c, 1000) == 250);
}

TEST_CASE("config: resource-limit-settings are read") {
  const auto r = load_ok(core(R"(
    <resource-limit-settings>
      <resource-limit-setting match="myUser">
        <max-connections>5</max-connections>
        <max-queues>3</max-queues>
      </resource-limit-setting>
      <resource-limit-setting match="#">
        <max-connections>-1</max-connections>
      </resource-limit-setting>
    </resource-limit-settings>)"));
  REQUIRE(r.config.resource_limits.size() == 2);
  CHECK(r.config.resource_limits[0].match == "myUser");
  CHECK(r.config.resource_limits[0].max_connections == 5);
  CHECK(r.config.resource_limits[0].max_queues == 3);
  CHECK(r.config.resource_limits[1].match == "#");
  CHECK(r.config.resource_limits[1].max_connections == -1);
}
