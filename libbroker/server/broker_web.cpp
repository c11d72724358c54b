// Broker: the web endpoint's view of the broker (web/web_server.hpp), all on the broker thread.
#include <fmt/core.h>

#include "core/server_session.hpp"
#include "server/broker.hpp"
#include "server/log_codes.hpp"

namespace artemis::server {

void Broker::start_web() {
  if (!web_binding_) return;
  const auto& b = *web_binding_;
  if (b.scheme != "http") {
    log_.plain(util::Level::warn, log_codes::web_logger,
               "bootstrap.xml:{}: <binding uri=\"{}\">: https is not served yet; the web "
               "endpoint is not started (use http://)",
               b.line, b.uri);
    return;
  }
  web::WebHooks hooks;
  hooks.post = [this](std::function<void()> fn) { scheduler_.post(std::move(fn)); };
  hooks.ready = [this] { return is_active(); };
  hooks.metrics = [this] { return web_metrics(); };
  hooks.manage = [this](const web::ApiCall& call) { return web_api(call); };
  auto server = std::make_unique<web::WebServer>(b.host, b.port, std::move(hooks));
  std::string error;
  if (!server->start(error)) {
    // The messaging goes on without it: an operator loses the endpoint, not the broker.
    log_.plain(util::Level::error, log_codes::web_logger,
               "bootstrap.xml:{}: {}; the web "
               "endpoint is not started",
               b.line, error);
    return;
  }
  web_ = std::move(server);
  log_.log(log_codes::http_server_started, b.uri);
}

std::string Broker::web_metrics() {
  auto* m = services_ ? services_->management() : nullptr;
  if (m != nullptr) return m->metrics();
  // Not active (a backup waiting, say): only that.
  return fmt::format(
      "# HELP artemis_active 1 while this node is the active (live) one\n"
      "# TYPE artemis_active gauge\nartemis_active{{broker=\"{}\"}} 0\n",
      config_.name);
}

web::ApiReply Broker::web_api(const web::ApiCall& call) {
  auto* m = services_ ? services_->management() : nullptr;
  auto* po = services_ ? services_->post_office() : nullptr;
  if (m == nullptr || po == nullptr)
    return {503, {{"error", "this node is not active: ask the live one"}}};
  // The request is a session like any protocol's: the login and the permission are core's.
  core::ServerSession session(*po, *security_, {0, "http", {}, {}, {}});
  if (auto refused = session.login(call.user, call.password))
    return {401, {{"error", refused->text}}};
  if (!call.operation.empty() && m->changes(call.resource, call.operation))
    if (auto refused = session.check_manage()) return {403, {{"error", refused->text}}};
  try {
    const auto result = call.operation.empty()
                            ? m->attribute(call.resource, call.attribute, session.subject())
                            : m->invoke(call.resource, call.operation,
                                        management::OperationArgs(call.args), session.subject());
    return {200, {{"succeeded", true}, {"result", result}}};
  } catch (const std::exception& e) {  // as a management message's reply says it
    return {200, {{"succeeded", false}, {"result", e.what()}}};
  }
}

}  // namespace artemis::server
