// The broker's services: core::BrokerCore (store, post office) and the STOMP module on top.
#include <fmt/core.h>

#include "core/broker_core.hpp"
#include "protocol/stomp/stomp_module.hpp"
#include "server/services.hpp"

namespace artemis::server {
namespace {

class CoreServices final : public Services {
 public:
  explicit CoreServices(ServiceContext& ctx)
      : core_(ctx.config, ctx.scheduler, ctx.log) {
    protocol::stomp::ModuleContext m{core_, ctx.security, ctx.scheduler, ctx.log,
                                     ctx.server_header, ctx.connected_headers,
                                     ctx.config.cluster_user, ctx.config.cluster_password,
                                     ctx.on_backup_announce};
    stomp_ = protocol::stomp::make_stomp_module(std::move(m));
  }
  std::error_code start() override { return core_.start(); }
  void stop() override { core_.stop(); }
  std::vector<net::ProtocolModule*> modules() override { return {stomp_.get()}; }

 private:
  core::BrokerCore core_;
  std::unique_ptr<net::ProtocolModule> stomp_;
};

}  // namespace

ServicesFactory core_services() {
  return {{{"artemis-stomp-protocol", "STOMP"}},
          [](ServiceContext& ctx) -> std::unique_ptr<Services> {
            return std::make_unique<CoreServices>(ctx);
          }};
}

}  // namespace artemis::server
