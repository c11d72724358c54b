// The broker's services: core::BrokerCore (store, post office), management and the STOMP,
// AMQP and MQTT modules on top.
#include <fmt/core.h>

#include "core/broker_core.hpp"
#include "core/post_office.hpp"
#include "management/management_service.hpp"
#include "protocol/amqp/amqp_module.hpp"
#include "protocol/mqtt/mqtt_module.hpp"
#include "protocol/stomp/stomp_module.hpp"
#include "server/services.hpp"
#include "store/storage_manager.hpp"

namespace artemis::server {
namespace {

class CoreServices final : public Services {
 public:
  explicit CoreServices(ServiceContext& ctx)
      : config_(ctx.config),
        security_(ctx.security),
        log_(ctx.log),
        node_state_(ctx.node_state),
        core_(ctx.config, ctx.scheduler, ctx.log),
        on_critical_io_error_(ctx.on_critical_io_error) {
    protocol::stomp::ModuleContext m{core_, ctx.security, ctx.scheduler, ctx.log,
                                     ctx.server_header, ctx.connected_headers,
                                     ctx.config.cluster_user, ctx.config.cluster_password,
                                     ctx.on_backup_announce};
    stomp_ = protocol::stomp::make_stomp_module(std::move(m));
    auto failover_servers = [headers = ctx.connected_headers]() -> std::string {
      if (!headers) return {};
      for (auto& [name, value] : headers())
        if (name == "failover-servers") return value;
      return {};
    };
    amqp_ = protocol::amqp::make_amqp_module({core_, ctx.security, ctx.scheduler, ctx.log,
                                              ctx.config.name, ARTEMIS_VERSION,
                                              std::move(failover_servers)});
    mqtt_ = protocol::mqtt::make_mqtt_module(
        {core_, ctx.security, ctx.scheduler, ctx.log, ctx.config.mqtt_subscription_persistence,
         std::chrono::milliseconds(ctx.config.mqtt_session_scan_interval_ms)});
  }
  std::error_code start() override {
    if (auto ec = core_.start()) return ec;
    // The post office exists from start() on.
    management_ = std::make_unique<management::ManagementService>(
        management::ManagementContext{core_.post_office(), config_, security_, log_, node_state_,
                                      [this] { return core_.storage().message_stats(); }});
    core_.post_office().set_management(management_.get());
    if (on_critical_io_error_) core_.storage().on_critical_error(on_critical_io_error_);
    return {};
  }
  void stop() override {
    if (management_) core_.post_office().set_management(nullptr);
    core_.stop();
  }
  std::vector<net::ProtocolModule*> modules() override {
    return {stomp_.get(), amqp_.get(), mqtt_.get()};
  }
  void apply_address_settings(const std::vector<config::AddressSetting>& settings) override {
    core_.post_office().update_address_settings(settings);
  }
  void set_disk_full(bool full) override { core_.post_office().set_disk_full(full); }
  std::int64_t message_memory() override { return core_.post_office().global_size_bytes(); }
  management::ManagementService* management() override { return management_.get(); }
  core::PostOffice* post_office() override { return &core_.post_office(); }
  std::int64_t journal_compactions() override {
    return static_cast<std::int64_t>(core_.storage().message_stats().compactions);
  }

 private:
  // What management needs once the post office exists (the context is gone by then).
  const config::BrokerConfig& config_;
  security::SecurityManager& security_;
  const util::Logger& log_;
  std::function<management::NodeState()> node_state_;
  core::BrokerCore core_;
  std::unique_ptr<management::ManagementService> management_;
  std::function<void(std::error_code)> on_critical_io_error_;
  std::unique_ptr<net::ProtocolModule> stomp_;
  std::unique_ptr<net::ProtocolModule> amqp_;
  std::unique_ptr<net::ProtocolModule> mqtt_;
};

}  // namespace

ServicesFactory core_services() {
  return {{{"artemis-amqp-protocol", "AMQP"},
           {"artemis-stomp-protocol", "STOMP"},
           {"artemis-mqtt-protocol", "MQTT"}},
          [](ServiceContext& ctx) -> std::unique_ptr<Services> {
            return std::make_unique<CoreServices>(ctx);
          }};
}

}  // namespace artemis::server
