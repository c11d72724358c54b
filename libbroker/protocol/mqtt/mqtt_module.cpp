#include "protocol/mqtt/mqtt_module.hpp"

#include "core/broker_core.hpp"
#include "net/detect.hpp"
#include "protocol/mqtt/saved_sessions.hpp"
#include "protocol/mqtt/session.hpp"
#include "protocol/mqtt/wills.hpp"

namespace artemis::protocol::mqtt {
namespace {

// Detection (reference §2.2): a CONNECT packet whose protocol name is MQTT or MQIsdp.
class MqttModule : public net::ProtocolModule {
 public:
  explicit MqttModule(ModuleContext context) : context_(std::move(context)) { scan_later(); }
  ~MqttModule() override {
    if (scan_timer_ != 0) context_.scheduler.cancel(scan_timer_);
    drop_held_wills(context_);  // while the core their sessions use is still there
  }
  MqttModule(const MqttModule&) = delete;
  MqttModule& operator=(const MqttModule&) = delete;

  std::string_view name() const override { return "MQTT"; }

  Detect detect(std::string_view first) const override { return net::detect_mqtt_connect(first); }

  std::unique_ptr<net::ProtocolSession> create_session(net::Connection& connection) override {
    return std::make_unique<MqttSession>(connection, context_);
  }

 private:
  void scan_later() {
    scan_timer_ = context_.scheduler.schedule_after(context_.session_scan_interval, [this] {
      scan_timer_ = 0;
      SavedSessions saved(context_);
      for (const auto& client_id : saved.expire(context_.scheduler.now_ms()))
        context_.log.plain(util::Level::info, "org.apache.activemq.artemis.core.protocol.mqtt",
                           "the session of MQTT client {} expired", client_id);
      scan_later();
    });
  }

  ModuleContext context_;
  util::Scheduler::TimerId scan_timer_ = 0;
};

}  // namespace

std::unique_ptr<net::ProtocolModule> make_mqtt_module(ModuleContext context) {
  return std::make_unique<MqttModule>(std::move(context));
}

}  // namespace artemis::protocol::mqtt
