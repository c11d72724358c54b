#include <doctest/doctest.h>

#include <map>

#include "config/substitute.hpp"
#include "config_test_support.hpp"

using namespace artemis::config;

namespace {

Environment env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    if (auto it = vars.find(std::string(name)); it != vars.end()) return it->second;
    return std::nullopt;
  };
}

}  // namespace

TEST_CASE("config: substitution replaces set variables and uses defaults for unset ones") {
  const auto env = env_of({{"HOST", "10.0.0.5"}, {"PORT", "61700"}, {"EMPTY", ""}});
  CHECK(substitute("tcp://${HOST}:${PORT}", env).text == "tcp://10.0.0.5:61700");
  CHECK(substitute("${HOST:0.0.0.0}", env).text == "10.0.0.5");
  CHECK(substitute("${MISSING:0.0.0.0}", env).text == "0.0.0.0");
  CHECK(substitute("${MISSING:}", env).text == "");
  CHECK(substitute("${EMPTY:x}", env).text == "");  // set but empty is still set
  CHECK(substitute("${MISSING:tcp://a:1}", env).text == "tcp://a:1");  // default may hold ':'
  CHECK(substitute("cost $5 and ${HOST}", env).text == "cost $5 and 10.0.0.5");
  CHECK(substitute("no variables", env).text == "no variables");
}

TEST_CASE("config: substituted values are not substituted again") {
  const auto env = env_of({{"A", "${B}"}, {"B", "x"}});
  CHECK(substitute("${A}", env).text == "${B}");
}

TEST_CASE("config: substitution errors name the variable") {
  const auto env = env_of({});
  const auto r = substitute("a ${NODE} b", env);
  CHECK_FALSE(r.ok());
  CHECK(r.error.find("${NODE} is not set in the environment") != std::string::npos);
  CHECK_FALSE(substitute("${}", env).ok());
  CHECK_FALSE(substitute("${X", env).ok());
}

TEST_CASE("config: broker.xml text and attributes are substituted") {
  const std::string xml =
      "<configuration xmlns=\"urn:activemq\"><core xmlns=\"urn:activemq:core\">\n"
      "<name>${NODE:node-a}</name>\n"
      "<journal-directory>${STORE}/journal</journal-directory>\n"
      "<journal-file-size>${JFS:2M}</journal-file-size>\n"
      "<acceptors><acceptor name=\"${ACC:main}\">tcp://${HOST:0.0.0.0}:${PORT}</acceptor></acceptors>\n"
      "</core></configuration>\n";
  const auto r = load_broker_xml_string(xml, "broker.xml", "/i",
                                        env_of({{"STORE", "/mnt/shared"}, {"PORT", "61699"}}));
  REQUIRE(r.ok());
  CHECK(r.config.name == "node-a");
  CHECK(r.config.journal_directory == "/mnt/shared/journal");
  CHECK(r.config.journal.file_size == 2 * 1024 * 1024);
  REQUIRE(r.config.acceptors.size() == 1);
  CHECK(r.config.acceptors[0].name == "main");
  CHECK(r.config.acceptors[0].url == "tcp://0.0.0.0:61699");
  CHECK(r.config.acceptors[0].port == 61699);
}

TEST_CASE("config: the default environment reads the process environment and artemis.instance") {
  ::setenv("ARTEMIS_CONFIG_TEST_NAME", "from-env", 1);
  const std::string xml =
      "<configuration xmlns=\"urn:activemq\"><core xmlns=\"urn:activemq:core\">\n"
      "<name>${ARTEMIS_CONFIG_TEST_NAME}</name>\n"
      "<paging-directory>${artemis.instance}/pages</paging-directory>\n"
      "</core></configuration>\n";
  const auto r = load_broker_xml_string(xml, "broker.xml", "/srv/i");
  ::unsetenv("ARTEMIS_CONFIG_TEST_NAME");
  REQUIRE(r.ok());
  CHECK(r.config.name == "from-env");
  CHECK(r.config.paging_directory == "/srv/i/pages");
}
