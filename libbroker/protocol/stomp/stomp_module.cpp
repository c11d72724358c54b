#include "protocol/stomp/stomp_module.hpp"

#include "protocol/stomp/session.hpp"

namespace artemis::protocol::stomp {
namespace {

// Detection (reference §2.2): the first bytes spell CONNECT or STOMP (after optional EOLs,
// which STOMP allows as heart-beats before a frame).
class StompModule : public net::ProtocolModule {
 public:
  explicit StompModule(ModuleContext context) : context_(std::move(context)) {}

  std::string_view name() const override { return "STOMP"; }

  Detect detect(std::string_view first) const override {
    while (!first.empty() && (first.front() == '\n' || first.front() == '\r')) first.remove_prefix(1);
    for (std::string_view word : {std::string_view("CONNECT"), std::string_view("STOMP")}) {
      const auto n = std::min(first.size(), word.size());
      if (first.substr(0, n) == word.substr(0, n)) {
        if (n == word.size()) return Detect::yes;
        return Detect::need_more;
      }
    }
    return Detect::no;
  }

  std::unique_ptr<net::ProtocolSession> create_session(net::Connection& connection) override {
    return std::make_unique<stomp_session::StompSession>(connection, context_);
  }

 private:
  ModuleContext context_;
};

}  // namespace

std::unique_ptr<net::ProtocolModule> make_stomp_module(ModuleContext context) {
  return std::make_unique<StompModule>(std::move(context));
}

}  // namespace artemis::protocol::stomp
