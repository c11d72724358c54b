#include "protocol/mqtt/mqtt_module.hpp"

#include "protocol/mqtt/session.hpp"

namespace artemis::protocol::mqtt {
namespace {

// Detection (reference §2.2): a CONNECT packet (0x10, its remaining length) whose protocol
// name is MQTT or MQIsdp.
class MqttModule : public net::ProtocolModule {
 public:
  explicit MqttModule(ModuleContext context) : context_(std::move(context)) {}

  std::string_view name() const override { return "MQTT"; }

  Detect detect(std::string_view first) const override {
    if (first.empty()) return Detect::need_more;
    if (static_cast<std::uint8_t>(first[0]) != 0x10) return Detect::no;
    std::size_t at = 1;
    for (;; ++at) {  // the remaining length: one to four bytes
      if (at >= first.size()) return Detect::need_more;
      if (at > 4) return Detect::no;
      if ((static_cast<std::uint8_t>(first[at]) & 0x80) == 0) break;
    }
    const auto name = first.substr(at + 1);
    for (const std::string_view magic :
         {std::string_view("\0\4MQTT", 6), std::string_view("\0\6MQIsdp", 8)}) {
      const auto n = std::min(name.size(), magic.size());
      if (name.substr(0, n) == magic.substr(0, n))
        return n == magic.size() ? Detect::yes : Detect::need_more;
    }
    return Detect::no;
  }

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
