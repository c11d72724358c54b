#include <doctest/doctest.h>

#include <string>

#include "create_autotune.hpp"
#include "create_placeholders.hpp"
#include "create_template.hpp"

using namespace artemis::cli;

TEST_CASE("cli: placeholders replace every occurrence of a known token") {
  Placeholders m;
  m.set("host", "0.0.0.0");
  m.set("default.port", "61616");
  CHECK(m.render("tcp://${host}:${default.port} and ${host}") == "tcp://0.0.0.0:61616 and 0.0.0.0");
}

TEST_CASE("cli: unknown tokens are left untouched") {
  Placeholders m;
  m.set("name", "master");
  CHECK(m.render("${name} ${ARTEMIS_HOME} ${sys:artemis.instance} $name") ==
        "master ${ARTEMIS_HOME} ${sys:artemis.instance} $name");
}

TEST_CASE("cli: a snippet keeps tokens whose keys come later, resolved when the file renders") {
  Placeholders m;
  m.set("a", "A");
  m.set("outer", m.render("[${a}|${b}]"));  // b not known yet
  CHECK(*m.find("outer") == "[A|${b}]");
  m.set("b", "B");
  CHECK(m.render("x${outer}y") == "x[A|B]y");
}

TEST_CASE("cli: replacement follows insertion order, not a fixpoint") {
  Placeholders m;
  m.set("second", "2");
  m.set("first", "${second}");  // inserted after `second`: its value is not expanded again
  CHECK(m.render("${first}") == "${second}");
  m.set("second", "two");  // setting again keeps the first position
  CHECK(m.entries().front().first == "${second}");
  CHECK(m.render("${second}") == "two");
}

TEST_CASE("cli: literal tokens such as @artemis.instance@ are replaced") {
  Placeholders m;
  m.set_token("@artemis.instance@", "/var/lib/broker");
  CHECK(m.render("ARTEMIS_INSTANCE='@artemis.instance@'") == "ARTEMIS_INSTANCE='/var/lib/broker'");
}

TEST_CASE("cli: every referenced template is built in") {
  for (const char* path : {"etc/broker.xml", "etc/bootstrap.xml", "etc/management.xml",
                           "etc/jolokia-access.xml", "etc/artemis.profile",
                           "etc/artemis-utility.profile", "etc/log4j2.properties",
                           "etc/log4j2-utility.properties", "etc/artemis-users.properties",
                           "etc/artemis-roles.properties", "bin/artemis", "bin/artemis-service",
                           "snippets/login-with-guest.config", "snippets/amqp-acceptor.txt",
                           "snippets/shared-store-settings.txt"}) {
    CAPTURE(path);
    CHECK_FALSE(template_text(path).empty());
  }
  CHECK_THROWS_AS(template_text("etc/nothing-here.xml"), std::runtime_error);
}

TEST_CASE("cli: writes per millisecond print like Artemis's ###.## format") {
  CHECK(format_rate(62.5) == "62.5");
  CHECK(format_rate(3.0) == "3");
  CHECK(format_rate(0.274) == "0.27");
  CHECK(format_rate(125.456) == "125.46");
  CHECK(format_rate(10.10) == "10.1");
}

TEST_CASE("cli: etc directory URI ends with a slash and escapes spaces") {
  CHECK(directory_uri("/var/lib/my broker/etc") == "file:/var/lib/my%20broker/etc/");
  CHECK(directory_uri("/opt/b/etc") == "file:/opt/b/etc/");
}
