#include "security/login_config.hpp"

#include <doctest/doctest.h>

using namespace artemis::security;

namespace {
constexpr const char* kWithGuest = R"(/*
 * licence header
 */
activemq {
   org.apache.activemq.artemis.spi.core.security.jaas.PropertiesLoginModule sufficient
       reload=true
       org.apache.activemq.jaas.properties.user="artemis-users.properties"
       org.apache.activemq.jaas.properties.role="artemis-roles.properties";

   org.apache.activemq.artemis.spi.core.security.jaas.GuestLoginModule sufficient
       reload=true
       org.apache.activemq.jaas.guest.user="admin"
       org.apache.activemq.jaas.guest.role="amq";

};
)";
}  // namespace

TEST_CASE("security: login.config with a guest module yields the guest user and role") {
  const auto r = parse_login_config(kWithGuest, "login.config");
  REQUIRE_MESSAGE(r.config.has_value(), r.error);
  const auto* d = r.config->find("activemq");
  REQUIRE(d != nullptr);
  REQUIRE(d->modules.size() == 2);
  CHECK(d->modules[0].flag == "sufficient");
  const auto p = policy_of(*d);
  CHECK(p.properties_module);
  CHECK(p.guest);
  CHECK(p.guest_user == "admin");
  CHECK(p.guest_role == "amq");
  CHECK(p.users_file == "artemis-users.properties");
}

TEST_CASE("security: login.config without a guest module requires login") {
  const auto r = parse_login_config(R"(activemq {
   org.apache.activemq.artemis.spi.core.security.jaas.PropertiesLoginModule required
       org.apache.activemq.jaas.properties.user="users.props"
       org.apache.activemq.jaas.properties.role="roles.props";
};)", "login.config");
  REQUIRE(r.config.has_value());
  const auto p = policy_of(*r.config->find("activemq"));
  CHECK_FALSE(p.guest);
  CHECK(p.users_file == "users.props");
  CHECK(p.roles_file == "roles.props");
}

TEST_CASE("security: a malformed login.config is reported with file and line") {
  const auto r = parse_login_config("activemq {\n  Mod sufficient\n  key \"v\";\n};\n", "login.config");
  CHECK_FALSE(r.config.has_value());
  CHECK(r.error.find("login.config:3:") == 0);
  CHECK(r.error.find("'='") != std::string::npos);
}
