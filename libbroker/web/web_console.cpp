// WebServer: the console's routes: its files, and the login that gives a session cookie.
#include <fmt/core.h>
#include <httplib.h>

#include "web/console_files.hpp"
#include "web/web_server.hpp"

namespace artemis::web {
namespace {

std::string_view content_type(std::string_view path) {
  if (path.ends_with(".html")) return "text/html; charset=utf-8";
  // A JavaScript type that cpp-httplib does not compress: it compresses with Brotli at its
  // highest quality on every response, 100+ ms for uPlot's 51 KB, most of a first page load.
  if (path.ends_with(".js")) return "application/x-javascript; charset=utf-8";
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  if (path.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

std::string session_cookie(const std::string& token, bool expire) {
  return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict{}", kSessionCookie, token,
                     expire ? "; Max-Age=0" : "");
}

}  // namespace

void WebServer::console_routes() {
  auto& s = *server_;
  auto to_console = [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/console/");
  };
  s.Get("/", to_console);
  s.Get("/console", to_console);
  s.Get(R"(/console/([A-Za-z0-9_.-]*))", [](const httplib::Request& req, httplib::Response& res) {
    std::string path = req.matches[1];
    if (path.empty()) path = "index.html";
    auto data = console_files::find(path);
    if (data.empty()) data = console_vendor::find(path);
    if (data.empty()) return reply_json(res, 404, {{"error", "no such console file"}});
    res.set_content(data.data(), data.size(), std::string(content_type(path)).c_str());
    // The files change only with the binary; the page itself is always asked for again.
    res.set_header("Cache-Control", path.ends_with(".html") ? "no-cache" : "max-age=3600");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
  });

  s.Post("/api/login", [this](const httplib::Request& req, httplib::Response& res) {
    const auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("user") ||
        !body["user"].is_string() || !body.contains("password") || !body["password"].is_string())
      return reply_json(res, 400, {{"error", "expected {\"user\": …, \"password\": …}"}});
    const std::string user = body["user"], password = body["password"];
    const auto ok =
        on_broker<bool>([this, user, password] { return hooks_.login(user, password); });
    if (!ok) return reply_json(res, 503, {{"error", "the broker did not answer"}});
    if (!*ok) {
      reply_json(res, 401, {{"error", "wrong user name or password"}});
      res.headers.erase("WWW-Authenticate");
      return;
    }
    res.set_header("Set-Cookie", session_cookie(sessions_.open(user, password), false));
    reply_json(res, 200, {{"user", user}});
  });
  s.Post("/api/logout", [this](const httplib::Request& req, httplib::Response& res) {
    sessions_.close(cookie_value(req.get_header_value("Cookie"), kSessionCookie));
    res.set_header("Set-Cookie", session_cookie("", true));
    reply_json(res, 200, {{"user", nullptr}});
  });
  s.Get("/api/whoami", [this](const httplib::Request& req, httplib::Response& res) {
    const auto login = credentials(req);
    if (!login) {
      reply_json(res, 401, {{"error", "not logged in"}});
      res.headers.erase("WWW-Authenticate");
      return;
    }
    reply_json(res, 200, {{"user", login->first}});
  });
}

}  // namespace artemis::web
