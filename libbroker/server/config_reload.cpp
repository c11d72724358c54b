#include "server/config_reload.hpp"

#include <fmt/core.h>

#include <sstream>
#include <system_error>

#include "config/describe.hpp"
#include "config/loader.hpp"
#include "server/log_codes.hpp"

namespace artemis::server {
namespace {

// A section as text, for comparing what broker.xml says now with what runs.
std::string reload_section_text(const config::BrokerConfig& c, std::string_view key) {
  const config::ConfigNode all = config::describe(c);
  std::ostringstream out;
  for (const auto& child : all.children)
    if (child.key == key) config::print_text(out, child);
  return out.str();
}

std::filesystem::file_time_type reload_mtime(const std::filesystem::path& file) {
  std::error_code ec;
  const auto t = std::filesystem::last_write_time(file, ec);
  return ec ? std::filesystem::file_time_type{} : t;
}

}  // namespace

ConfigReloader::ConfigReloader(const config::BrokerConfig& running, util::Scheduler& scheduler,
                               const util::Logger& log, Apply apply)
    : running_(running), scheduler_(scheduler), log_(log), apply_(std::move(apply)) {
  seen_ = reload_mtime(running_.source);
}

ConfigReloader::~ConfigReloader() {
  *alive_ = false;
  stop();
}

void ConfigReloader::start() {
  if (running_.configuration_file_refresh_period_ms <= 0 || running_.source.empty()) return;
  arm();
}

void ConfigReloader::stop() {
  if (timer_ != 0) scheduler_.cancel(timer_);
  timer_ = 0;
}

void ConfigReloader::arm() {
  timer_ = scheduler_.schedule_after(
      std::chrono::milliseconds(running_.configuration_file_refresh_period_ms),
      [this, alive = alive_] {
        if (!*alive) return;
        timer_ = 0;
        check();
        arm();
      });
}

bool ConfigReloader::check() {
  const auto now = reload_mtime(running_.source);
  if (now == seen_) return false;
  seen_ = now;
  auto loaded = config::load_broker_xml(running_.source, running_.instance_dir);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors)
      log_.plain(util::Level::warn, log_codes::server_logger,
                 "broker.xml changed but does not load; the running configuration is kept: {}",
                 e.to_string());
    return false;
  }
  Changes changes;
  changes.security_settings = reload_section_text(loaded.config, "security-settings") !=
                              reload_section_text(running_, "security-settings");
  changes.address_settings = reload_section_text(loaded.config, "address-settings") !=
                             reload_section_text(running_, "address-settings");
  if (!changes.security_settings && !changes.address_settings) return false;
  if (changes.security_settings) {
    log_.log(log_codes::reloading_configuration, "security");
    running_.security_settings = loaded.config.security_settings;
  }
  if (changes.address_settings) {
    log_.log(log_codes::reloading_configuration, "address settings");
    running_.address_settings = loaded.config.address_settings;
  }
  apply_(loaded.config, changes);
  return true;
}

}  // namespace artemis::server
