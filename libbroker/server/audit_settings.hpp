#pragma once
// AuditSettings: keeps the AuditLog's levels as etc/log4j2.properties sets them. Read at start,
// then, as log4j2's monitorInterval asks (seconds; 0 or absent: never), again whenever the file
// changed, so an operator turns an audit logger on or off without a restart. The audit file is
// the audit appender's fileName (${sys:artemis.instance} replaced), else <instance>/log/audit.log.
// Broker thread only.
#include <filesystem>
#include <memory>

#include "security/audit_log.hpp"
#include "util/log.hpp"
#include "util/scheduler.hpp"

namespace artemis::server {

class AuditSettings {
 public:
  AuditSettings(std::filesystem::path etc_dir, std::filesystem::path instance_dir,
                util::Scheduler& scheduler, const util::Logger& log);
  ~AuditSettings();
  AuditSettings(const AuditSettings&) = delete;
  AuditSettings& operator=(const AuditSettings&) = delete;

  security::AuditLog& audit() { return *audit_; }
  // Re-reads the file if it changed; true when it was read.
  bool check();

 private:
  void arm();
  void apply(const std::string& text);

  std::filesystem::path file_;  // etc/log4j2.properties
  util::Scheduler& scheduler_;
  const util::Logger& log_;
  std::unique_ptr<security::AuditLog> audit_;
  std::filesystem::file_time_type seen_{};
  int monitor_seconds_ = 0;
  util::Scheduler::TimerId timer_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace artemis::server
