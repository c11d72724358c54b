#pragma once
// AuditLog: who did what, in log/audit.log, as Artemis's audit loggers write it
// (`<date> [AUDIT](<thread>) AMQ601715: User admin(amq)@127.0.0.1:53122 successfully ...`).
//
// Artemis has three audit loggers, all OFF in the log4j2.properties `create` writes; an
// operator turns one on by setting its level to INFO:
//   org.apache.activemq.audit.base      security check failures
//   org.apache.activemq.audit.resource  logins, addresses and queues created and deleted
//   org.apache.activemq.audit.message   every message sent, delivered and acknowledged
// The levels are read from that file at start and again whenever it changes (log4j2's
// monitorInterval), so auditing starts and stops without a restart. The file is opened on the
// first line written. Broker thread only, except levels_from(), which is pure.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "security/security_manager.hpp"

namespace artemis::security {

struct AuditLevels {
  bool base = false;
  bool resource = false;
  bool message = false;
  bool operator==(const AuditLevels&) const = default;
};

// The audit loggers' levels in log4j2.properties text: on when INFO or finer (DEBUG, TRACE,
// ALL); absent, OFF, WARN, ERROR or FATAL is off.
AuditLevels audit_levels_from(std::string_view log4j2_properties);

class AuditLog {
 public:
  explicit AuditLog(std::filesystem::path file) : path_(std::move(file)) {}
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  void set_levels(AuditLevels levels) { levels_ = levels; }
  const AuditLevels& levels() const { return levels_; }
  bool base() const { return levels_.base; }
  bool resource() const { return levels_.resource; }
  bool message() const { return levels_.message; }

  // "user(role1,role2)@remote", Artemis's caller form.
  static std::string caller(const Subject* subject, std::string_view remote);

  // resource
  void authenticated(const std::string& caller, std::uint64_t connection_id);
  void authentication_failed(const std::string& caller, std::uint64_t connection_id,
                             std::string_view reason);
  void address_created(const std::string& caller, std::string_view address,
                       std::string_view routing_types);
  void queue_created(const std::string& caller, std::string_view queue, std::string_view address,
                     std::string_view routing_type);
  void queue_deleted(const std::string& caller, std::string_view queue);
  // base
  // A management operation, with Artemis's code for it (AMQ601xxx "User u is ... on target
  // resource: ..."); the caller words the text.
  void management(int code, std::string_view text) {
    if (base()) write(code, text);
  }
  void security_check_failed(const std::string& caller, std::string_view reason);
  // message
  void message_sent(const std::string& caller, std::string_view message,
                    std::string_view transaction);
  void message_consumed(const std::string& caller, std::string_view queue,
                        std::string_view message);
  void message_acknowledged(const std::string& caller, std::string_view queue,
                            std::string_view message, std::string_view transaction);

 private:
  void write(int code, std::string_view text);

  std::filesystem::path path_;
  AuditLevels levels_;
  std::FILE* file_ = nullptr;
  bool open_failed_ = false;  // reported once, on stderr
};

}  // namespace artemis::security
