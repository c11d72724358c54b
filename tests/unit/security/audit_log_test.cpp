// The audit trail: its loggers' levels as log4j2.properties sets them, and the lines written
// (Artemis's AMQ6017xx/6015xx codes and words) only for a logger that is on.
#include "security/audit_log.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "support/temp_dir.hpp"

using namespace artemis;
using security::AuditLog;

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

constexpr std::string_view kCreated = R"(
logger.audit_base.name = org.apache.activemq.audit.base
logger.audit_base.level = OFF
logger.audit_resource.name = org.apache.activemq.audit.resource
logger.audit_resource.level = OFF
logger.audit_message.name = org.apache.activemq.audit.message
logger.audit_message.level = OFF
)";

}  // namespace

TEST_CASE("audit: levels come from the audit loggers of log4j2.properties") {
  CHECK(security::audit_levels_from(kCreated) == security::AuditLevels{});
  CHECK(security::audit_levels_from("") == security::AuditLevels{});

  std::string on(kCreated);
  on.replace(on.find("base.level = OFF"), 16, "base.level = info");
  on.replace(on.find("message.level = OFF"), 19, "message.level=TRACE");
  const auto levels = security::audit_levels_from(on);
  CHECK(levels.base);
  CHECK_FALSE(levels.resource);
  CHECK(levels.message);

  // The id is free; the name says which logger it is. WARN is not enough for INFO lines.
  CHECK(security::audit_levels_from("logger.x.name=org.apache.activemq.audit.resource\n"
                                    "logger.x.level=WARN\n")
            .resource == false);
  CHECK(security::audit_levels_from("logger.x.level=DEBUG\n"
                                    "logger.x.name=org.apache.activemq.audit.resource\n")
            .resource);
}

TEST_CASE("audit: the caller is user(roles)@remote") {
  security::Subject s{"admin", {"amq", "ops"}, false};
  CHECK(AuditLog::caller(&s, "127.0.0.1:5000") == "admin(amq,ops)@127.0.0.1:5000");
  CHECK(AuditLog::caller(nullptr, "") == "anonymous@unknown");
}

TEST_CASE("audit: lines are written for the loggers that are on, nothing otherwise") {
  test_support::TempDir dir{"audit-test"};
  const auto file = dir.path() / "log" / "audit.log";
  AuditLog audit(file);
  audit.authenticated("admin(amq)@h:1", 7);
  audit.message_sent("admin(amq)@h:1", "Message[durable=true]", "");
  CHECK_FALSE(std::filesystem::exists(file));  // all off: not even created

  audit.set_levels({false, true, false});
  audit.authenticated("admin(amq)@h:1", 7);
  audit.authentication_failed("eve@h:2", 8, "AMQ229031: Unable to validate user");
  audit.queue_created("admin(amq)@h:1", "orders", "orders", "ANYCAST");
  audit.security_check_failed("admin(amq)@h:1", "no");                // base: off
  audit.message_sent("admin(amq)@h:1", "Message[durable=true]", "");  // message: off
  const auto text = read(file);
  CHECK(text.find("[AUDIT](broker) AMQ601715: User admin(amq)@h:1 successfully authenticated "
                  "on connection 7\n") != std::string::npos);
  CHECK(text.find("AMQ601716: User eve@h:2 failed authentication on connection 8, reason: "
                  "AMQ229031: Unable to validate user\n") != std::string::npos);
  CHECK(text.find("AMQ601707: User admin(amq)@h:1 successfully created queue: orders on "
                  "address: orders with routing type ANYCAST") != std::string::npos);
  CHECK(text.find("AMQ601264") == std::string::npos);
  CHECK(text.find("AMQ601500") == std::string::npos);

  audit.set_levels({true, false, true});
  audit.security_check_failed("admin(amq)@h:1", "AMQ229032: no");
  audit.message_sent("admin(amq)@h:1", "Message[durable=true]", "tx1");
  audit.message_acknowledged("admin(amq)@h:1", "orders", "Message[messageID=3]", "");
  const auto more = read(file);
  CHECK(more.find("AMQ601264: User admin(amq)@h:1 gets security check failure, reason = "
                  "AMQ229032: no") != std::string::npos);
  CHECK(more.find("AMQ601500: User admin(amq)@h:1 sent a message Message[durable=true], "
                  "transaction: tx1") != std::string::npos);
  CHECK(more.find("AMQ601502: User admin(amq)@h:1 acknowledged message from orders: "
                  "Message[messageID=3], transaction: none") != std::string::npos);
}
