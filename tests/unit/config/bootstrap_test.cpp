// bootstrap.xml's <web> binding.
#include "config/bootstrap.hpp"

#include <doctest/doctest.h>

using artemis::config::load_bootstrap_xml_string;

namespace {
std::string bootstrap_doc(const std::string& web) {
  return "<broker xmlns=\"http://activemq.apache.org/schema\">\n"
         "  <server configuration=\"file:/x/broker.xml\"/>\n" +
         web + "\n</broker>\n";
}
}  // namespace

TEST_CASE("config: the web binding as create writes it") {
  const auto r = load_bootstrap_xml_string(
      bootstrap_doc(
          "  <web path=\"web\">\n    <binding name=\"artemis\" uri=\"http://localhost:8661\">\n"
          "      <app name=\"console\" url=\"console\" war=\"console.war\"/>\n"
          "    </binding>\n  </web>"),
      "bootstrap.xml");
  REQUIRE(r.errors.empty());
  REQUIRE(r.web);
  CHECK(r.web->scheme == "http");
  CHECK(r.web->host == "localhost");
  CHECK(r.web->port == 8661);
  CHECK(r.web->name == "artemis");
  CHECK(r.web->line == 4);
}

TEST_CASE("config: no <web> is no endpoint; a bad binding is an error with its line") {
  CHECK_FALSE(load_bootstrap_xml_string(bootstrap_doc(""), "bootstrap.xml").web);
  const auto bad = load_bootstrap_xml_string(
      bootstrap_doc("  <web>\n    <binding uri=\"http://localhost:http\"/>\n  </web>"),
      "bootstrap.xml");
  REQUIRE(bad.errors.size() == 1);
  CHECK(bad.errors[0].to_string() ==
        "bootstrap.xml:4: <binding uri=\"http://localhost:http\">: expected http://host:port or "
        "https://host:port");
  const auto v6 =
      load_bootstrap_xml_string(bootstrap_doc("  <web>\n    <binding uri=\"https://[::1]:8443\"/>\n"
                                              "    <binding uri=\"http://b:1\"/>\n  </web>"),
                                "bootstrap.xml");
  REQUIRE(v6.web);
  CHECK(v6.web->host == "::1");
  CHECK(v6.web->scheme == "https");
  CHECK(v6.warnings.size() == 1);
  CHECK(load_bootstrap_xml_string("<broker><web>", "b.xml").errors.size() == 1);
}
