#pragma once
// ConfigReloader: Artemis's configuration-file-refresh-period. broker.xml is looked at every
// period; when its modification time changed and it still loads without errors, the sections
// that change at runtime here (security-settings, address-settings) are handed to `apply` if
// they differ from what runs, each logged as AMQ221056. A broker.xml with errors is reported once
// per change (every error, file:line) and ignored: the running configuration stays.
//
// Broker thread only (its timer runs on the scheduler).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "config/broker_config.hpp"
#include "util/log.hpp"
#include "util/scheduler.hpp"

namespace artemis::server {

class ConfigReloader {
 public:
  struct Changes {
    bool security_settings = false;
    bool address_settings = false;
  };
  using Apply = std::function<void(const config::BrokerConfig& fresh, Changes changes)>;

  // `running`: the configuration the broker started with (copied: what the sections are
  // compared against). A period <= 0 never checks.
  ConfigReloader(const config::BrokerConfig& running, util::Scheduler& scheduler,
                 const util::Logger& log, Apply apply);
  ~ConfigReloader();
  ConfigReloader(const ConfigReloader&) = delete;
  ConfigReloader& operator=(const ConfigReloader&) = delete;

  void start();
  void stop();
  // One check now (what the timer does); true when something was applied.
  bool check();

 private:
  void arm();

  config::BrokerConfig running_;
  util::Scheduler& scheduler_;
  const util::Logger& log_;
  Apply apply_;
  std::filesystem::file_time_type seen_{};
  util::Scheduler::TimerId timer_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace artemis::server
