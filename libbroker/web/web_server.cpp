#include "web/web_server.hpp"

#include <httplib.h>

#include <chrono>
#include <future>
#include <utility>

#include "util/base64.hpp"

namespace artemis::web {
namespace {

constexpr auto kBrokerWait = std::chrono::seconds(5);
constexpr std::size_t kWorkers = 8;
constexpr const char* kJson = "application/json";

}  // namespace

void reply_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), kJson);
  if (status == 401) res.set_header("WWW-Authenticate", "Basic realm=\"artemis\"");
}

std::optional<std::pair<std::string, std::string>> basic_credentials(std::string_view header) {
  constexpr std::string_view kBasic = "Basic ";
  if (!header.starts_with(kBasic)) return std::nullopt;
  const auto encoded = header.substr(kBasic.size());
  if (encoded.empty() || encoded.size() > 4096) return std::nullopt;
  const auto decoded = util::base64_decode(encoded);
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::pair{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

WebServer::WebServer(std::string host, int port, WebHooks hooks, std::optional<WebTls> tls)
    : host_(std::move(host)), port_(port), hooks_(std::move(hooks)), tls_(std::move(tls)) {}

WebServer::~WebServer() {
  stop();
}

template <class T>
std::optional<T> WebServer::on_broker_answer(std::function<void(std::function<void(T)>)> work) {
  auto done = std::make_shared<std::promise<T>>();
  auto answered = std::make_shared<bool>(false);  // broker thread only
  auto result = done->get_future();
  hooks_.post([done, answered, work = std::move(work)] {
    work([done, answered](T value) {
      if (!std::exchange(*answered, true)) done->set_value(std::move(value));
    });
  });
  if (result.wait_for(kBrokerWait) != std::future_status::ready) return std::nullopt;
  try {
    return result.get();
  } catch (const std::future_error&) {  // the broker dropped the task while stopping
    return std::nullopt;
  }
}

template <class T>
std::optional<T> WebServer::on_broker(std::function<T()> fn) {
  return on_broker_answer<T>([fn = std::move(fn)](std::function<void(T)> answer) { answer(fn()); });
}
// The console's login (web_console.cpp) waits so too.
template std::optional<bool> WebServer::on_broker(std::function<bool()> fn);

std::optional<std::pair<std::string, std::string>> WebServer::credentials(
    const httplib::Request& req) {
  if (req.has_header("Authorization"))
    return basic_credentials(req.get_header_value("Authorization"));
  const auto token = cookie_value(req.get_header_value("Cookie"), kSessionCookie);
  if (token.empty()) return std::nullopt;
  // A console request that changes something comes from the console's own script, which sends
  // JSON: a form another site posts cannot, and the cookie is SameSite=Strict besides.
  if (req.method == "POST" && !req.get_header_value("Content-Type").starts_with(kJson))
    return std::nullopt;
  return sessions_.find(token);
}

bool WebServer::start(std::string& error) {
  if (tls_) {
    std::string why;
    auto ssl = std::make_unique<httplib::SSLServer>([this, &why](SSL_CTX& ctx) {
      SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
      if (!tls::load_key_store(&ctx, tls_->key_store, "keyStorePath", why)) return false;
      if (!tls_->client_auth) return true;
      if (!tls::load_trust_store(&ctx, tls_->trust_store, "trustStorePath", why)) return false;
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      return true;
    });
    if (!ssl->is_valid()) {
      error = why.empty() ? "cannot set up TLS: " + tls::openssl_reason() : why;
      return false;
    }
    server_ = std::move(ssl);
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  // cpp-httplib gives each connection a worker for as long as it is kept alive, and a browser
  // opens up to six to one host: eight workers, and an idle connection's worker is freed after a
  // second, so a console and a scraper never wait on each other's idle connections. Each request
  // mostly waits for the broker thread anyway.
  server_->new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
  server_->set_keep_alive_timeout(1);
  server_->set_payload_max_length(1 << 20);
  server_->set_read_timeout(10, 0);
  routes();
  console_routes();
  if (!server_->bind_to_port(host_, port_)) {
    error = "cannot bind the web server to " + host_ + ":" + std::to_string(port_);
    server_.reset();
    return false;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return true;
}

void WebServer::stop() {
  if (!server_) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

void WebServer::routes() {
  auto& s = *server_;
  s.Get("/health/live", [](const httplib::Request&, httplib::Response& res) {
    reply_json(res, 200, {{"status", "UP"}});
  });
  s.Get("/health/ready", [this](const httplib::Request&, httplib::Response& res) {
    const bool ready = on_broker<bool>([this] { return hooks_.ready(); }).value_or(false);
    reply_json(res, ready ? 200 : 503, {{"status", ready ? "UP" : "DOWN"}});
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    auto text = on_broker<std::string>([this] { return hooks_.metrics(); });
    if (!text) return reply_json(res, 503, {{"error", "the broker did not answer"}});
    res.set_content(*text, "text/plain; version=0.0.4; charset=utf-8");
  });
  // `parse_result`: a listing's JSON text (listQueues returns one, as in Artemis) is given
  // back as JSON.
  auto api = [this](const httplib::Request& req, httplib::Response& res, ApiCall call,
                    bool parse_result = false) {
    const auto login = credentials(req);
    if (!login) {
      reply_json(res, 401, {{"error", "log in with a broker user"}});
      if (req.has_header(kConsoleHeader)) res.headers.erase("WWW-Authenticate");
      return;
    }
    call.user = login->first;
    call.password = login->second;
    auto reply = on_broker_answer<ApiReply>(
        [this, call](std::function<void(ApiReply)> answer) { hooks_.manage(call, answer); });
    if (!reply) return reply_json(res, 503, {{"error", "the broker did not answer"}});
    if (parse_result && reply->body.contains("result") && reply->body["result"].is_string()) {
      auto parsed = nlohmann::json::parse(reply->body["result"].get<std::string>(), nullptr, false);
      if (!parsed.is_discarded()) reply->body["result"] = std::move(parsed);
    }
    reply_json(res, reply->status, reply->body);
    // The console logs in with its own form: no browser dialog for a lapsed session.
    if (req.has_header(kConsoleHeader)) res.headers.erase("WWW-Authenticate");
  };
  s.Post("/api/management", [api](const httplib::Request& req, httplib::Response& res) {
    const auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("resource") ||
        !body["resource"].is_string())
      return reply_json(res, 400,
                        {{"error",
                          "expected {\"resource\": …, \"operation\": …, \"args\": […]} "
                          "or {\"resource\": …, \"attribute\": …}"}});
    ApiCall call;
    call.resource = body["resource"];
    call.operation = body.value("operation", "");
    call.attribute = body.value("attribute", "");
    if (body.contains("args")) call.args = body["args"];
    if (!call.args.is_array() || (call.operation.empty() == call.attribute.empty()))
      return reply_json(res, 400,
                        {{"error",
                          "give either \"operation\" (with \"args\": an array) or "
                          "\"attribute\""}});
    api(req, res, std::move(call));
  });
  for (const auto& route :
       {std::pair{"/api/queues", "listQueues"}, std::pair{"/api/addresses", "listAddresses"},
        std::pair{"/api/connections", "listConnections"},
        std::pair{"/api/consumers", "listConsumers"}}) {
    const char* operation = route.second;  // a structured binding cannot be captured (clang)
    s.Get(route.first, [api, operation](const httplib::Request& req, httplib::Response& res) {
      ApiCall call;
      call.resource = "broker";
      call.operation = operation;
      call.args = nlohmann::json::array({"", -1, -1});
      api(req, res, std::move(call), true);
    });
  }
}

}  // namespace artemis::web
