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
//   GET  /api/queues         every queue (listQueues); /api/addresses, /api/connections
// The API needs a broker user (HTTP Basic); an operation that changes something needs the
// `manage` permission (WebHooks::manage decides and answers 401/403 through its status).
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

namespace httplib {
class Server;
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
  // Broker thread: one API call, authenticated and authorised.
  std::function<ApiReply(const ApiCall&)> manage;
};

class WebServer {
 public:
  WebServer(std::string host, int port, WebHooks hooks);
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
  // Runs `fn` on the broker thread and waits for it; nullopt when the broker did not answer
  // in time (stopping, or stuck).
  template <class T>
  std::optional<T> on_broker(std::function<T()> fn);

  std::string host_;
  int port_;
  WebHooks hooks_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

// "user", "password" from an `Authorization: Basic …` value; nullopt when it is not one.
std::optional<std::pair<std::string, std::string>> basic_credentials(std::string_view header);

}  // namespace artemis::web
