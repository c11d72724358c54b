#include "protocol/mqtt/mqtt_module.hpp"

#include "net/detect.hpp"
#include "protocol/mqtt/session.hpp"

namespace artemis::protocol::mqtt {
namespace {

// Detection (reference §2.2): a CONNECT packet whose protocol name is MQTT or MQIsdp.
class MqttModule : public net::ProtocolModule {
 public:
  explicit MqttModule(ModuleContext context) : context_(std::move(context)) {}

  std::string_view name() const override { return "MQTT"; }

  Detect detect(std::string_view first) const override { return net::detect_mqtt_connect(first); }

  std::unique_ptr<net::ProtocolSession> create_session(net::Connection& connection) override {
    return std::make_unique<MqttSession>(connection, context_);
  }

 private:
  ModuleContext context_;
};

}  // namespace

std::unique_ptr<net::ProtocolModule> make_mqtt_module(ModuleContext context) {
  return std::make_unique<MqttModule>(std::move(context));
}

}  // namespace artemis::protocol::mqtt
