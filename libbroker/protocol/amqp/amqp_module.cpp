#include "protocol/amqp/amqp_module.hpp"

#include "protocol/amqp/connection.hpp"

namespace artemis::protocol::amqp {
namespace {

// Detection (reference §2.2): "AMQP" then a protocol id; Proton answers an id it does not
// speak with its own header and closes, as the specification asks.
class AmqpModule : public net::ProtocolModule {
 public:
  explicit AmqpModule(ModuleContext context) : context_(std::move(context)) {}

  std::string_view name() const override { return "AMQP"; }

  Detect detect(std::string_view first) const override {
    constexpr std::string_view magic = "AMQP";
    if (first.size() >= magic.size()) return first.starts_with(magic) ? Detect::yes : Detect::no;
    return magic.starts_with(first) ? Detect::need_more : Detect::no;
  }

  std::unique_ptr<net::ProtocolSession> create_session(net::Connection& connection) override {
    return std::make_unique<AmqpConnection>(connection, context_);
  }

 private:
  ModuleContext context_;
};

}  // namespace

std::unique_ptr<net::ProtocolModule> make_amqp_module(ModuleContext context) {
  return std::make_unique<AmqpModule>(std::move(context));
}

}  // namespace artemis::protocol::amqp
