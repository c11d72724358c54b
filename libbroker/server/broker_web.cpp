// Broker: the web endpoint's view of the broker (web/web_server.hpp), all on the broker thread.
#include <fmt/core.h>

#include "core/server_session.hpp"
#include "management/compose_message.hpp"
#include "server/broker.hpp"
#include "server/log_codes.hpp"

namespace artemis::server {
namespace {

// A web request is a session of its own, on no connection ("http" in management's lists).
core::SessionOptions web_session_options() {
  core::SessionOptions o;
  o.protocol = "http";
  return o;
}

}  // namespace

void Broker::start_web() {
  if (!web_binding_) return;
  const auto& b = *web_binding_;
  std::optional<web::WebTls> tls;
  if (b.scheme == "https") {
    auto spec = [](const config::WebStore& s) {
      return tls::StoreSpec{s.path, s.password, s.type};
    };
    tls = web::WebTls{spec(b.key_store), b.client_auth, spec(b.trust_store)};
  }
  web::WebHooks hooks;
  hooks.post = [this](std::function<void()> fn) { scheduler_.post(std::move(fn)); };
  hooks.ready = [this] { return is_active(); };
  hooks.metrics = [this] { return web_metrics(); };
  hooks.login = [this](const std::string& user, const std::string& password) {
    return web_login(user, password);
  };
  hooks.manage = [this](const web::ApiCall& call, web::WebHooks::Reply reply) {
    web_api(call, std::move(reply));
  };
  auto server = std::make_unique<web::WebServer>(b.host, b.port, std::move(hooks), std::move(tls));
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

bool Broker::web_login(const std::string& user, const std::string& password) {
  auto* po = services_ ? services_->post_office() : nullptr;
  if (po == nullptr) return false;
  core::ServerSession session(*po, *security_, web_session_options());
  return !session.login(user, password);
}

void Broker::web_api(const web::ApiCall& call, web::WebHooks::Reply reply) {
  auto* m = services_ ? services_->management() : nullptr;
  auto* po = services_ ? services_->post_office() : nullptr;
  if (m == nullptr || po == nullptr)
    return reply({503, {{"error", "this node is not active: ask the live one"}}});
  if (call.operation == "sendMessage") return web_send(call, std::move(reply));
  // The request is a session like any protocol's: the login and the permission are core's.
  core::ServerSession session(*po, *security_, web_session_options());
  if (auto refused = session.login(call.user, call.password))
    return reply({401, {{"error", refused->text}}});
  if (!call.operation.empty() && m->needs_manage(call.resource, call.operation))
    if (auto refused = session.check_manage()) return reply({403, {{"error", refused->text}}});
  try {
    const auto result = call.operation.empty()
                            ? m->attribute(call.resource, call.attribute, session.subject())
                            : m->invoke(call.resource, call.operation,
                                        management::OperationArgs(call.args), session.subject());
    reply({200, {{"succeeded", true}, {"result", result}}});
  } catch (const std::exception& e) {  // as a management message's reply says it
    reply({200, {{"succeeded", false}, {"result", e.what()}}});
  }
}

// Artemis's sendMessage(headers, type, body, durable, user, password) on an address or a
// queue, sent as the caller (the user and password arguments are not needed: the caller is
// logged in) through a core session, so the send permission and the address-full policy are
// checked as for any client; the reply comes once the message is durable.
void Broker::web_send(const web::ApiCall& call, web::WebHooks::Reply reply) {
  auto* m = services_->management();
  auto session = std::make_unique<core::ServerSession>(*services_->post_office(), *security_,
                                                       web_session_options());
  if (auto refused = session->login(call.user, call.password))
    return reply({401, {{"error", refused->text}}});
  management::ComposedMessage composed;
  try {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    composed = m->compose(call.resource, management::OperationArgs(call.args), now.count(),
                          session->subject());
  } catch (const std::exception& e) {
    return reply({200, {{"succeeded", false}, {"result", e.what()}}});
  }
  core::Target target;
  target.destination = composed.destination;
  const auto id = next_web_send_++;
  auto message = composed.message;
  auto done = [this, id, message, reply](std::error_code ec) {
    if (ec)
      reply(
          {200, {{"succeeded", false}, {"result", "the message was not stored: " + ec.message()}}});
    else
      reply({200, {{"succeeded", true}, {"result", std::to_string(message->id())}}});
    // Not from inside the session's own completion.
    scheduler_.post([this, id] { web_sends_.erase(id); });
  };
  if (auto refused = session->send(composed.message, target, nullptr, std::move(done)))
    return reply({403, {{"error", refused->text}}});
  web_sends_.emplace(id, std::move(session));
}

}  // namespace artemis::server
