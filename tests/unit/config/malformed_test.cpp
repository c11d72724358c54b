// Bad broker.xml input: each case is named by what is wrong, and checks the exact file:line
// and the words that say what would be right.
#include <doctest/doctest.h>

#include <fstream>
#include <vector>

#include "config_test_support.hpp"
#include "support/temp_dir.hpp"

using namespace artemis::config;
using namespace artemis::config::test;

namespace {

// The snippet starts on line 4.
std::string doc(const std::string& core_snippet) {
  return "<?xml version=\"1.0\"?>\n"
         "<configuration xmlns=\"urn:activemq\">\n"
         "  <core xmlns=\"urn:activemq:core\">\n" +
         core_snippet +
         "\n  </core>\n"
         "</configuration>\n";
}

const char* kConnector =
    "<connectors><connector name=\"self\">tcp://localhost:61616</connector></connectors>";

struct BadCase {
  const char* name;
  std::string xml;
  int line;
  const char* expected;  // a substring of "broker.xml:<line>: <message>"
  errc code;
};

std::vector<BadCase> bad_cases() {
  return {
      {"mismatched end tag", doc("<name>x</nam>"), 4, "malformed XML", errc::malformed_xml},
      {"unknown journal type", doc("<journal-type>FAST</journal-type>"), 4,
       "<journal-type>: 'FAST' is not one of ASYNCIO, NIO, MAPPED", errc::invalid_value},
      {"size that is a word", doc("<journal-file-size>ten</journal-file-size>"), 4,
       "<journal-file-size>: 'ten' is not a size (e.g. 10M", errc::invalid_value},
      {"negative size", doc("<journal-file-size>-10M</journal-file-size>"), 4,
       "<journal-file-size>: '-10M' is too small (at least 1024)", errc::out_of_range},
      {"size with an unknown unit", doc("<global-max-size>10Q</global-max-size>"), 4,
       "<global-max-size>: '10Q' is not a size", errc::invalid_value},
      {"count that is not a number", doc("<journal-min-files>two</journal-min-files>"), 4,
       "<journal-min-files>: 'two' is not a whole number", errc::invalid_value},
      {"too few journal files", doc("<journal-min-files>1</journal-min-files>"), 4,
       "<journal-min-files>: '1' is too small (at least 2)", errc::out_of_range},
      {"boolean that is not true or false", doc("<persistence-enabled>yes</persistence-enabled>"),
       4, "<persistence-enabled>: 'yes' is not true or false", errc::invalid_value},
      {"percentage above 100", doc("<max-disk-usage>150</max-disk-usage>"), 4,
       "<max-disk-usage>: '150' is too large (at most 100)", errc::out_of_range},
      {"no memory at all for messages",
       doc("<global-max-size-percent-of-jvm-max-memory>0</"
           "global-max-size-percent-of-jvm-max-memory>"),
       4, "<global-max-size-percent-of-jvm-max-memory>: '0' is too small (at least 1)",
       errc::out_of_range},
      // Artemis: -1 or greater than zero (Validators.MINUS_ONE_OR_GT_ZERO).
      {"min-disk-free of zero", doc("<min-disk-free>0</min-disk-free>"), 4,
       "<min-disk-free>: '0' is too small (at least 1, or -1 for no limit)", errc::out_of_range},
      {"negative min-disk-free", doc("<min-disk-free>-5G</min-disk-free>"), 4,
       "<min-disk-free>: '-5G' is too small (at least 1, or -1 for no limit)", errc::out_of_range},
      {"min-disk-free that is a word", doc("<min-disk-free>lots</min-disk-free>"), 4,
       "<min-disk-free>: 'lots' is not a size (e.g. 10M, 512K or 1048576)", errc::invalid_value},
      {"min-disk-free beyond 64 bits", doc("<min-disk-free>9999999999G</min-disk-free>"), 4,
       "<min-disk-free>: '9999999999G' is too large (at most 9223372036854775807)",
       errc::out_of_range},
      {"min-disk-free with digits beyond 64 bits",
       doc("<min-disk-free>99999999999999999999</min-disk-free>"), 4,
       "'99999999999999999999' is too large", errc::out_of_range},
      {"negative size beyond 64 bits", doc("<min-disk-free>-9999999999G</min-disk-free>"), 4,
       "'-9999999999G' is too small", errc::out_of_range},
      {"scan period of zero", doc("<address-queue-scan-period>0</address-queue-scan-period>"), 4,
       "<address-queue-scan-period>: '0' is too small", errc::out_of_range},
      {"acceptor without URL", doc("<acceptors>\n<acceptor name=\"main\"></acceptor></acceptors>"),
       5, "<acceptor> 'main' has no URL (e.g. <acceptor name=\"artemis\">tcp://0.0.0.0:61616",
       errc::missing_required},
      {"acceptor without name",
       doc("<acceptors><acceptor>tcp://0.0.0.0:61616</acceptor></acceptors>"), 4,
       "<acceptor> needs a name=\"...\" attribute", errc::missing_required},
      {"acceptor port out of range",
       doc("<acceptors><acceptor name=\"a\">tcp://0.0.0.0:99999</acceptor></acceptors>"), 4,
       "'99999' is not a port number (0-65535)", errc::invalid_value},
      {"acceptor with an unknown scheme",
       doc("<acceptors><acceptor name=\"a\">udp://0.0.0.0:61616</acceptor></acceptors>"), 4,
       "scheme 'udp' is not supported (use tcp://host:port)", errc::invalid_value},
      {"two acceptors on one port",
       doc("<acceptors><acceptor name=\"a\">tcp://0.0.0.0:61616</acceptor>\n"
           "<acceptor name=\"b\">tcp://0.0.0.0:61616?protocols=STOMP</acceptor></acceptors>"),
       5, "<acceptor> 'b' listens on 0.0.0.0:61616 like 'a' (line 4)", errc::duplicate},
      {"cluster connector-ref naming no connector",
       doc(std::string(kConnector) + "\n<cluster-connections><cluster-connection "
                                     "name=\"c\">\n<connector-ref>nope</connector-ref>"
                                     "</cluster-connection></cluster-connections>"),
       6, "<cluster-connection> 'c': <connector-ref> 'nope' names no <connector> (defined: self)",
       errc::unknown_reference},
      {"static connector naming no connector",
       doc(std::string(kConnector) +
           "\n<cluster-connections><cluster-connection "
           "name=\"c\"><connector-ref>self</connector-ref>"
           "<static-connectors><connector-ref>self</connector-ref>\n<connector-ref>peer</"
           "connector-ref>"
           "</static-connectors></cluster-connection></cluster-connections>"),
       6, "<static-connectors> names 'peer', which is no <connector> (defined: self)",
       errc::unknown_reference},
      {"cluster connection without connector-ref",
       doc(std::string(kConnector) +
           "\n<cluster-connections><cluster-connection name=\"c\"></cluster-connection>"
           "</cluster-connections>"),
       5, "<cluster-connection> 'c' needs a <connector-ref>", errc::missing_required},
      {"unknown ha-policy child", doc("<ha-policy>\n  <shared-nothing/>\n</ha-policy>"), 5,
       "<shared-nothing> is not a known HA policy (use one of <primary-only>, <shared-store>, "
       "<replication>)",
       errc::invalid_value},
      {"unknown shared-store role",
       doc("<ha-policy><shared-store><leader/></shared-store></ha-policy>"), 4,
       "<leader> is not allowed in <shared-store> (use exactly one of <primary> or <backup>)",
       errc::invalid_value},
      {"shared-store with two roles",
       doc("<ha-policy><shared-store><primary/>\n<backup/></shared-store></ha-policy>"), 5,
       "<shared-store> has both <primary> (line 4) and <backup>", errc::duplicate},
      {"shared-store without a role", doc("<ha-policy><shared-store/></ha-policy>"), 4,
       "<shared-store> needs a role: <primary/> or <backup/>", errc::missing_required},
      {"shared store without persistence",
       doc("<persistence-enabled>false</persistence-enabled>\n"
           "<ha-policy><shared-store><primary/></shared-store></ha-policy>"),
       5, "needs <persistence-enabled>true</persistence-enabled> (it is false)",
       errc::invalid_value},
      {"unset variable without default", doc("<name>${NODE_NAME}</name>"), 4,
       "<name>: ${NODE_NAME} is not set in the environment (set NODE_NAME, or give a default: "
       "${NODE_NAME:value})",
       errc::unresolved_variable},
      {"unterminated variable", doc("<name>${NODE_NAME</name>"), 4,
       "has '${' without a closing '}'", errc::unresolved_variable},
      {"unknown permission type",
       doc("<security-settings><security-setting match=\"#\">\n"
           "<permission type=\"publish\" roles=\"amq\"/></security-setting></security-settings>"),
       5, "<permission>: type 'publish' is not a permission (one of createAddress",
       errc::invalid_value},
      {"unknown address-full-policy",
       doc("<address-settings><address-setting match=\"#\">\n"
           "<address-full-policy>SPILL</address-full-policy></address-setting></address-settings>"),
       5, "<address-full-policy>: 'SPILL' is not one of PAGE, BLOCK, FAIL, DROP",
       errc::invalid_value},
      {"negative auto-delete-addresses-delay",
       doc("<address-settings><address-setting match=\"#\">\n"
           "<auto-delete-addresses-delay>-5</auto-delete-addresses-delay></address-setting>"
           "</address-settings>"),
       5, "<auto-delete-addresses-delay>: '-5' is too small (at least 0)", errc::out_of_range},
      {"address-setting without match",
       doc("<address-settings><address-setting><redelivery-delay>0</redelivery-delay>"
           "</address-setting></address-settings>"),
       4, "<address-setting> needs a match=\"...\" attribute (e.g. <address-setting match=\"#\">)",
       errc::missing_required},
      {"queue max-consumers not a number",
       doc("<addresses><address name=\"a\"><anycast>\n<queue name=\"a\" max-consumers=\"many\"/>"
           "</anycast></address></addresses>"),
       5, "<queue> attribute max-consumers: 'many' is not a whole number", errc::invalid_value},
      {"same queue twice",
       doc("<addresses><address name=\"a\"><anycast><queue name=\"q\"/></anycast></address>\n"
           "<address name=\"b\"><multicast><queue name=\"q\"/></multicast></address></addresses>"),
       5, "<queue> 'q' is already defined at line 4", errc::duplicate},
      {"wildcard delimiter of two characters",
       doc("<wildcard-addresses><delimiter>::</delimiter></wildcard-addresses>"), 4,
       "<delimiter>: '::' is not a single character", errc::invalid_value},
      {"unknown message-load-balancing",
       doc(std::string(kConnector) +
           "\n<cluster-connections><cluster-connection "
           "name=\"c\"><connector-ref>self</connector-ref>"
           "\n<message-load-balancing>ROUND_ROBIN</message-load-balancing></cluster-connection>"
           "</cluster-connections>"),
       6, "'ROUND_ROBIN' is not one of OFF, STRICT, ON_DEMAND, OFF_WITH_REDISTRIBUTION",
       errc::invalid_value},
      {"database store", doc("<store><database-store/></store>"), 4,
       "<store> (database store) is not supported by this broker", errc::unsupported},
      {"device block size beyond 32 bits",
       doc("<journal-device-block-size>4G</journal-device-block-size>"), 4,
       "<journal-device-block-size>: '4G' is too large (at most 2147483647)", errc::out_of_range},
      {"root element is not configuration", "<?xml version=\"1.0\"?>\n\n<broker/>\n", 3,
       "the root element is <broker>; expected <configuration xmlns=\"urn:activemq\">",
       errc::missing_required},
      {"no core element", "<configuration xmlns=\"urn:activemq\">\n</configuration>\n", 1,
       "<configuration> has no <core xmlns=\"urn:activemq:core\"> element", errc::missing_required},
  };
}

}  // namespace

TEST_CASE("config: each malformed input is an error with file:line and a hint") {
  const auto cases = bad_cases();
  CHECK(cases.size() >= 15);
  for (const auto& c : cases) {
    SUBCASE(c.name) {
      const auto r = load(c.xml);
      const std::string name = c.name;
      REQUIRE_MESSAGE(!r.ok(), name << ": expected an error");
      const auto want_prefix = "broker.xml:" + std::to_string(c.line) + ": ";
      bool found = false;
      std::string all;
      for (const auto& e : r.errors) {
        const auto text = e.to_string();
        all += "  " + text + "\n";
        if (text.starts_with(want_prefix) && text.find(c.expected) != std::string::npos &&
            e.code == c.code)
          found = true;
      }
      CHECK_MESSAGE(found, name << ": wanted " << want_prefix << "..." << std::string(c.expected)
                                << "\ngot:\n" << all);
    }
  }
}

TEST_CASE("config: every problem in a file is reported, not just the first") {
  const auto r = load(doc("<journal-file-size>ten</journal-file-size>\n"
                          "<journal-type>FAST</journal-type>\n"
                          "<max-disk-usage>abc</max-disk-usage>"));
  REQUIRE(r.errors.size() == 3);
  CHECK(r.errors[0].line == 4);
  CHECK(r.errors[1].line == 5);
  CHECK(r.errors[2].line == 6);
}

TEST_CASE("config: a bad value leaves the default in place") {
  const auto r = load(doc("<journal-min-files>two</journal-min-files>"));
  CHECK_FALSE(r.ok());
  CHECK(r.config.journal.min_files == 2);
}

TEST_CASE("config: a file on disk loads with directories relative to the instance") {
  artemis::test_support::TempDir tmp;
  const auto dir = tmp.path() / "brokers" / "slave";
  std::filesystem::create_directories(dir / "etc");
  {
    std::ofstream out(dir / "etc" / "broker.xml");
    out << doc("<journal-directory>../sharedstore/data/journal</journal-directory>\n<journal-type>x</journal-type>");
  }
  const auto r = load_broker_xml(dir / "etc" / "broker.xml", dir);
  CHECK(r.config.journal_directory == dir.parent_path() / "sharedstore" / "data" / "journal");
  CHECK(r.config.paging_directory == dir / "data" / "paging");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].to_string() == (dir / "etc" / "broker.xml").string() +
                                       ":5: <journal-type>: 'x' is not one of ASYNCIO, NIO, MAPPED");
}

TEST_CASE("config: a missing file is an error naming the file") {
  const auto r = load_broker_xml("/nonexistent/etc/broker.xml", "/nonexistent");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].code == errc::file_unreadable);
  CHECK(r.errors[0].to_string().starts_with("/nonexistent/etc/broker.xml: cannot read"));
  CHECK(r.errors[0].to_string().find("No such file or directory") != std::string::npos);
}

TEST_CASE("config: unknown elements are warnings with a did-you-mean, not failures") {
  const auto r = load(doc("<journal-file-sise>10M</journal-file-sise>\n<fancy-feature/>"));
  CHECK(r.ok());
  std::vector<std::string> w;
  for (const auto& d : r.warnings) w.push_back(d.to_string());
  REQUIRE(w.size() >= 2);
  CHECK(w[0] ==
        "broker.xml:4: <journal-file-sise> is not a known element of <core>; ignored (did you "
        "mean <journal-file-size>?)");
  CHECK(w[1] == "broker.xml:5: <fancy-feature> is not a known element of <core>; ignored");
}

TEST_CASE("config: a repeated element keeps the first value and warns") {
  const auto r = load(doc("<name>first</name>\n<name>second</name>"));
  CHECK(r.ok());
  CHECK(r.config.name == "first");
  REQUIRE_FALSE(r.warnings.empty());
  CHECK(r.warnings[0].to_string().starts_with("broker.xml:5: <name> appears again (first at line 4)"));
}

TEST_CASE("config: deprecated and unsupported HA elements are read and flagged") {
  SUBCASE("failback-delay is accepted and ignored") {
    const auto r = load(doc("<ha-policy><shared-store><primary>\n<failback-delay>5000</failback-delay>"
                            "</primary></shared-store></ha-policy>"));
    CHECK(r.ok());
    CHECK(r.config.ha_policy.role == HaRole::primary);
    bool warned = false;
    for (const auto& w : r.warnings)
      warned = warned || (w.line == 5 && w.message.find("<failback-delay> is deprecated") != std::string::npos);
    CHECK(warned);
  }
  SUBCASE("replication is parsed with its role and flagged") {
    const auto r = load(doc("<ha-policy><replication><backup/></replication></ha-policy>"));
    CHECK(r.ok());
    CHECK(r.config.ha_policy.replication);
    CHECK_FALSE(r.config.ha_policy.shared_store);
    CHECK(r.config.ha_policy.role == HaRole::backup);
    bool warned = false;  // a warning `run` takes as an error
    for (const auto& w : r.warnings)
      warned = warned || (w.code == errc::unsupported_ha &&
                          w.message.find("<replication> HA is not supported") != std::string::npos);
    CHECK(warned);
  }
  SUBCASE("live-only is the old name of primary-only") {
    const auto r = load(doc("<ha-policy><live-only/></ha-policy>"));
    CHECK(r.ok());
    CHECK(r.config.ha_policy.role == HaRole::none);
    REQUIRE_FALSE(r.warnings.empty());
    bool warned = false;
    for (const auto& w : r.warnings) warned = warned || w.message.starts_with("AMQ221038:");
    CHECK(warned);
  }
  SUBCASE("scale-down is read") {
    const auto r = load(doc("<ha-policy><shared-store><backup><scale-down><enabled>true</enabled>"
                            "</scale-down></backup></shared-store></ha-policy>"));
    CHECK(r.ok());
    CHECK(r.config.ha_policy.scale_down);
  }
}
