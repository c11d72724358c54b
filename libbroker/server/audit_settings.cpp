#include "server/audit_settings.hpp"

#include <fstream>
#include <sstream>

#include "security/properties_file.hpp"
#include "util/strings.hpp"

namespace artemis::server {
namespace {

constexpr std::string_view kLogger = "org.apache.activemq.artemis.core.server";

std::filesystem::path audit_file_of(const std::string& text,
                                    const std::filesystem::path& instance) {
  for (const auto& p : security::parse_properties(text)) {
    if (p.key != "appender.audit_log_file.fileName") continue;
    std::string name(util::trim(p.value));
    const std::string var = "${sys:artemis.instance}";
    if (const auto at = name.find(var); at != std::string::npos)
      name.replace(at, var.size(), instance.string());
    if (!name.empty() && name.find("${") == std::string::npos) return name;
  }
  return instance / "log" / "audit.log";
}

int monitor_interval_of(const std::string& text) {
  for (const auto& p : security::parse_properties(text))
    if (p.key == "monitorInterval")
      if (const auto n = util::parse_int(util::trim(p.value)); n && *n > 0 && *n < 86400)
        return static_cast<int>(*n);
  return 0;
}

bool read_file(const std::filesystem::path& file, std::string& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

}  // namespace

AuditSettings::AuditSettings(std::filesystem::path etc_dir, std::filesystem::path instance_dir,
                             util::Scheduler& scheduler, const util::Logger& log)
    : file_(etc_dir / "log4j2.properties"), scheduler_(scheduler), log_(log) {
  std::string text;
  read_file(file_, text);  // no file: no auditing, the default logging of the broker
  audit_ = std::make_unique<security::AuditLog>(audit_file_of(text, instance_dir));
  std::error_code ec;
  seen_ = std::filesystem::last_write_time(file_, ec);
  apply(text);
  monitor_seconds_ = monitor_interval_of(text);
  if (monitor_seconds_ > 0) arm();
}

AuditSettings::~AuditSettings() {
  *alive_ = false;
  if (timer_ != 0) scheduler_.cancel(timer_);
}

void AuditSettings::arm() {
  timer_ =
      scheduler_.schedule_after(std::chrono::seconds(monitor_seconds_), [this, alive = alive_] {
        if (!*alive) return;
        timer_ = 0;
        check();
        arm();
      });
}

bool AuditSettings::check() {
  std::error_code ec;
  const auto now = std::filesystem::last_write_time(file_, ec);
  if (ec || now == seen_) return false;
  seen_ = now;
  std::string text;
  if (!read_file(file_, text)) return false;
  apply(text);
  return true;
}

void AuditSettings::apply(const std::string& text) {
  const auto levels = security::audit_levels_from(text);
  if (levels == audit_->levels()) return;
  audit_->set_levels(levels);
  auto on = [](bool b) { return b ? "on" : "off"; };
  log_.plain(util::Level::info, kLogger,
             "audit logging (log4j2.properties): base {}, resource {}, message {}", on(levels.base),
             on(levels.resource), on(levels.message));
}

}  // namespace artemis::server
