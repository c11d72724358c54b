#include <doctest/doctest.h>

#include <fstream>

#include "security/properties_security_manager.hpp"
#include "support/log_capture.hpp"
#include "support/temp_dir.hpp"
#include "util/password.hpp"

using namespace artemis;
using namespace artemis::security;

namespace {

config::SecuritySetting block(std::string match,
                              std::vector<std::pair<std::string, std::string>> perms) {
  config::SecuritySetting s;
  s.match = std::move(match);
  for (auto& [type, roles] : perms) {
    config::Permission p;
    p.type = type;
    for (const char* r = roles.c_str(); *r;) {
      std::string role;
      while (*r && *r != ',') role += *r++;
      if (*r) ++r;
      p.roles.push_back(role);
    }
    s.permissions.push_back(p);
  }
  return s;
}

struct Fixture {
  test_support::LogCapture log{util::Level::info};

  PropertiesSecurityManager make(bool guest, bool enabled = true) {
    SecurityPolicy policy;
    policy.enabled = enabled;
    policy.login.properties_module = true;
    policy.login.guest = guest;
    policy.login.guest_user = "admin";
    policy.login.guest_role = "amq";
    policy.settings = {
        block("#", {{"send", "amq"}, {"consume", "amq"}, {"createAddress", "amq"}}),
        block("orders.#", {{"send", "writers"}}),
        block("orders.eu", {{"consume", "readers"}}),
        block("orders.eu::audit", {{"consume", "auditors"}}),
    };
    auto users = parse_user_directory(
        "admin = " + util::hash_password("admin") + "\nwriter = plain\nreader=r\n",
        "amq = admin\nwriters = writer\nreaders = reader, writer\n");
    return PropertiesSecurityManager(std::move(policy), std::move(users), log.logger());
  }
};

}  // namespace

TEST_CASE("security: users log in with plain and hashed passwords and get their roles") {
  Fixture f;
  auto m = f.make(false);
  auto admin = m.authenticate("admin", "admin");
  REQUIRE(admin.has_value());
  CHECK(admin->user == "admin");
  CHECK(admin->roles == std::set<std::string>{"amq"});
  CHECK_FALSE(admin->guest);
  auto writer = m.authenticate("writer", "plain");
  REQUIRE(writer.has_value());
  CHECK(writer->roles == std::set<std::string>{"readers", "writers"});
  CHECK_FALSE(m.authenticate("admin", "wrong").has_value());
  CHECK_FALSE(m.authenticate("nobody", "x").has_value());
  CHECK_FALSE(m.authenticate("", "").has_value());
}

TEST_CASE("security: with a guest module anonymous and wrong credentials become the guest") {
  Fixture f;
  auto m = f.make(true);
  for (auto [u, p] : {std::pair{"", ""}, std::pair{"admin", "wrong"}, std::pair{"ghost", "x"}}) {
    auto s = m.authenticate(u, p);
    REQUIRE(s.has_value());
    CHECK(s->guest);
    CHECK(s->user == "admin");
    CHECK(s->roles == std::set<std::string>{"amq"});
  }
  CHECK_FALSE(m.authenticate("admin", "admin")->guest);
}

TEST_CASE("security: the single most specific security-setting decides, without merging") {
  Fixture f;
  auto m = f.make(false);
  const auto admin = *m.authenticate("admin", "admin");
  const auto writer = *m.authenticate("writer", "plain");
  const auto reader = *m.authenticate("reader", "r");
  // '#' grants amq everything listed there.
  CHECK(m.authorize(admin, Permission::send, "news"));
  CHECK(m.authorize(admin, Permission::consume, "news"));
  CHECK_FALSE(m.authorize(admin, Permission::browse, "news"));  // not listed => denied
  // orders.# is more specific than '#': amq's send is NOT inherited from '#'.
  CHECK_FALSE(m.authorize(admin, Permission::send, "orders.us"));
  CHECK(m.authorize(writer, Permission::send, "orders.us"));
  // orders.eu (literal) beats orders.#: writers lose send there, readers may consume.
  CHECK_FALSE(m.authorize(writer, Permission::send, "orders.eu"));
  CHECK(m.authorize(reader, Permission::consume, "orders.eu"));
  REQUIRE(m.deciding_setting("orders.eu") != nullptr);
  CHECK(m.deciding_setting("orders.eu")->match == "orders.eu");
}

TEST_CASE("security: an exact FQQN block decides for its queue, the address block otherwise") {
  Fixture f;
  auto m = f.make(false);
  const auto reader = *m.authenticate("reader", "r");
  CHECK_FALSE(m.authorize(reader, Permission::consume, "orders.eu::audit"));
  CHECK(m.authorize(reader, Permission::consume, "orders.eu::other"));
  Subject auditor{"x", {"auditors"}, false};
  CHECK(m.authorize(auditor, Permission::consume, "orders.eu::audit"));
}

TEST_CASE("security: no matching block denies; security disabled allows everything") {
  Fixture f;
  SecurityPolicy policy;
  policy.settings = {block("only.this", {{"send", "amq"}})};
  PropertiesSecurityManager m(policy, {}, f.log.logger());
  Subject s{"u", {"amq"}, false};
  CHECK_FALSE(m.authorize(s, Permission::send, "other"));
  auto off = f.make(false, false);
  auto anyone = off.authenticate("who", "ever");
  REQUIRE(anyone.has_value());
  CHECK(off.authorize(*anyone, Permission::manage, "activemq.management"));
}

TEST_CASE("security: permission names are spelled as broker.xml spells them") {
  CHECK(to_string(Permission::create_durable_queue) == "createDurableQueue");
  CHECK(to_string(Permission::delete_non_durable_queue) == "deleteNonDurableQueue");
  CHECK(to_string(Permission::manage) == "manage");
}

TEST_CASE("security: a certificate login module maps a client certificate's subject to a user") {
  test_support::TempDir dir{"cert-login"};
  auto write = [&](const char* name, const std::string& text) {
    std::ofstream(dir.path() / name) << text;
  };
  write("login.config", R"(activemq {
   org.apache.activemq.artemis.spi.core.security.jaas.PropertiesLoginModule sufficient
       org.apache.activemq.jaas.properties.user="artemis-users.properties"
       org.apache.activemq.jaas.properties.role="artemis-roles.properties";
   org.apache.activemq.artemis.spi.core.security.jaas.TextFileCertificateLoginModule sufficient
       org.apache.activemq.jaas.textfiledn.user="my-cert-users.properties"
       org.apache.activemq.jaas.textfiledn.role="my-cert-roles.properties";
};
)");
  write("artemis-users.properties", "admin=admin\n");
  write("artemis-roles.properties", "amq=admin\n");
  write("my-cert-users.properties", "device=CN=device-7,O=Acme\n");
  write("my-cert-roles.properties", "sensors=device\n");
  config::BrokerConfig config;
  config.security_enabled = true;
  test_support::LogCapture log{util::Level::info};
  std::string error;
  auto m = PropertiesSecurityManager::load(dir.path(), config, log.logger(), error);
  REQUIRE_MESSAGE(m, error);
  CHECK(m->policy().login.certificate_module);

  const auto device = m->login("", "", "CN=device-7,O=Acme");
  REQUIRE(device);
  CHECK(device->user == "device");
  CHECK(device->roles == std::set<std::string>{"sensors"});
  // The password still logs in first; an unknown subject, or none, does not log in.
  CHECK(m->login("admin", "admin", "CN=device-7,O=Acme")->user == "admin");
  CHECK_FALSE(m->login("", "", "CN=intruder"));
  CHECK_FALSE(m->login("", "", ""));
  CHECK_FALSE(m->authenticate("", ""));
}
