#pragma once
// WebServer: the instance's HTTP endpoint (bootstrap.xml <web><binding uri>, 8161 + port
// offset), on cpp-httplib's own threads. The broker's state is touched only on the broker
// thread: every request that needs it is posted there (WebHooks::post) and waited for.
//
//   GET  /health/live        200 while the process runs
//   GET  /health/ready       200 while the node is active (serving), 503 otherwise
//   GET  /metrics            Prometheus text format
//   POST /api/management     {"resource": "broker", "operation": "listQueues", "args": [...]}
//                            or {"resource": "queue.TEST", "attribute": "MessageCount"}
//                            -> {"succeeded": true, "result": ...}
//   GET  /api/queues         every queue (listQueues); /api/addresses, /api/connections,
//                            /api/consumers
//   POST /api/login          {"user": …, "password": …}: a console session cookie
//   POST /api/logout, GET /api/whoami
//   GET  /console/…          the web console (web_console.cpp); / leads there
// Over http, or https with the binding's key store (and client certificates with clientAuth).
// The API needs a broker user (HTTP Basic, or the console's cookie); an operation that changes
// something needs the `manage` permission (WebHooks::manage decides and answers 401/403
// through its status).
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "tls/stores.hpp"
#include "web/console_sessions.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}

namespace artemis::web {

struct ApiCall {
  std::string user, password;  // from the Authorization header
  std::string resource;
  std::string operation;  // or
  std::string attribute;
  nlohmann::json args = nlohmann::json::array();
};

struct ApiReply {
  int status = 200;  // 401 bad credentials, 403 no permission, 503 not active
  nlohmann::json body;
};

struct WebHooks {
  // Runs `fn` on the broker thread.
  std::function<void(std::function<void()>)> post;
  // Broker thread: whether the node is active.
  std::function<bool()> ready;
  // Broker thread: the Prometheus text.
  std::function<std::string()> metrics;
  // Broker thread: whether these are a broker user's credentials.
  std::function<bool(const std::string& user, const std::string& password)> login;
  // Broker thread: one API call, authenticated and authorised; `reply` runs once, at once or
  // later on the broker thread (a sent message answers when it is durable).
  using Reply = std::function<void(ApiReply)>;
  std::function<void(const ApiCall&, Reply)> manage;
};

// https: the key store the server presents, and with client_auth the trust store a client's
// certificate must chain to (PKCS12 or PEM, as the acceptors' TLS).
struct WebTls {
  tls::StoreSpec key_store;
  bool client_auth = false;
  tls::StoreSpec trust_store;
};

class WebServer {
 public:
  WebServer(std::string host, int port, WebHooks hooks, std::optional<WebTls> tls = std::nullopt);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Binds and starts serving; false with `error` set when the port cannot be bound.
  bool start(std::string& error);
  // Stops accepting, finishes the requests under way, joins the threads. Idempotent.
  void stop();
  int port() const { return port_; }

 private:
  void routes();
  void console_routes();  // web_console.cpp
  // Runs `fn` on the broker thread and waits for it; nullopt when the broker did not answer
  // in time (stopping, or stuck).
  template <class T>
  std::optional<T> on_broker(std::function<T()> fn);
  // The same for work that answers through a callback, perhaps later (the first answer counts).
  template <class T>
  std::optional<T> on_broker_answer(std::function<void(std::function<void(T)>)> work);
  // The request's credentials: HTTP Basic, or the console session its cookie names.
  std::optional<std::pair<std::string, std::string>> credentials(const httplib::Request& req);

  std::string host_;
  int port_;
  WebHooks hooks_;
  std::optional<WebTls> tls_;
  ConsoleSessions sessions_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

// A JSON reply; 401 asks for HTTP Basic.
void reply_json(httplib::Response& res, int status, const nlohmann::json& body);
// Sent by the console's script: its 401s carry no Basic challenge (no browser dialog).
inline constexpr const char* kConsoleHeader = "X-Artemis-Console";

// "user", "password" from an `Authorization: Basic …` value; nullopt when it is not one.
std::optional<std::pair<std::string, std::string>> basic_credentials(std::string_view header);

}  // namespace artemis::web
