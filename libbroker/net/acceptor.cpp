#include "net/acceptor.hpp"

#include <fmt/core.h>
#include <sys/resource.h>

#include <asio/ip/address.hpp>

#include "net/logger.hpp"
#include "net/tls.hpp"
#include "util/strings.hpp"

namespace artemis::net {
namespace {

std::string describe_bind_error(const std::error_code& ec) {
  if (ec == asio::error::address_in_use) return "port in use (another process is listening on it)";
  if (ec == asio::error::access_denied) return "permission denied (ports below 1024 need privileges)";
  if (ec == std::errc::address_not_available) return "address not available on this host";
  return ec.message();
}
}  // namespace

Acceptor::Acceptor(asio::io_context& io, const config::TransportConfig& config,
                   std::vector<ProtocolModule*> modules, ConnectionLimits limits,
                   ConnectionIds& ids, const util::Logger& log)
    : io_(io),
      config_(config),
      modules_(std::move(modules)),
      limits_(limits),
      ids_(ids),
      log_(log),
      listener_(io),
      accept_retry_(io),
      tls_reload_(io) {
  // A host list "a,b" listens on the first; 0.0.0.0 means every interface.
  host_ = config_.host.empty() ? "0.0.0.0" : util::split(config_.host, ',').front();
}

Acceptor::~Acceptor() {
  *alive_ = false;
  close();
  close_connections(CloseReason::server_shutdown);
}

OpenResult Acceptor::open() {
  const auto where = fmt::format("{}:{}", host_, config_.port);
  auto fail = [&](const std::string& why) {
    std::error_code ignored;
    listener_.close(ignored);
    return OpenResult{false, fmt::format("acceptor '{}' (broker.xml line {}) cannot listen on {}: {}",
                                         config_.name, config_.line, where, why)};
  };
  if (tls_enabled(config_)) {
    std::string error;
    tls_ = make_server_tls_context(config_, error);
    if (!tls_) return OpenResult{false, error};
    if (tls_auto_reload(config_)) {
      tls_stores_time_ = tls_stores_time();
      watch_tls_stores();
    }
  }
  std::error_code ec;
  asio::ip::tcp::resolver resolver(io_);
  const auto results = resolver.resolve(host_, std::to_string(config_.port),
                                        asio::ip::tcp::resolver::passive, ec);
  if (ec || results.empty()) return fail(fmt::format("cannot resolve host '{}'", host_));
  const auto endpoint = results.begin()->endpoint();
  listener_.open(endpoint.protocol(), ec);
  if (ec) return fail(ec.message());
  // As Artemis (Netty) does: a restarted broker must not wait out TIME_WAIT. Linux still
  // refuses a port another socket is listening on.
  listener_.set_option(asio::socket_base::reuse_address(true), ec);
  listener_.bind(endpoint, ec);
  if (ec) return fail(describe_bind_error(ec));
  listener_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(describe_bind_error(ec));
  start_accept();
  return {true, ""};
}

void Acceptor::start_accept() {
  listener_.async_accept([this, alive = alive_](const std::error_code& ec,
                                                asio::ip::tcp::socket socket) {
    if (!*alive || !listener_.is_open()) return;
    if (ec && AcceptBackoff::is_resource_shortage(ec)) return on_accept_failed(ec);
    if (ec) {
      // Anything else (a connection reset before we took it, ...) concerns that one
      // connection: log and keep accepting; the listener itself is fine.
      log_.plain(util::Level::warn, kLogger, "acceptor '{}': accept failed: {}", config_.name,
                 ec.message());
    } else {
      if (const auto recovered = backoff_.on_success(std::chrono::steady_clock::now()))
        log_.plain(util::Level::info, kLogger,
                   "acceptor '{}': accepting connections again after {} refused attempt(s) "
                   "over {} ms",
                   config_.name, recovered->refused, recovered->lasted.count());
      if (limits_.connections_allowed >= 0 &&
          connections_.size() >= static_cast<std::size_t>(limits_.connections_allowed)) {
        refuse_over_limit(std::move(socket));
        start_accept();
        return;
      }
      const auto id = ids_.next();
      auto conn = std::make_shared<TcpConnection>(
          std::move(socket), id, config_, modules_, limits_, log_,
          [this, alive = alive_](std::uint64_t gone) {
            if (*alive) connections_.erase(gone);
          },
          tls_);
      connections_.emplace(id, conn);
      conn->start();
    }
    start_accept();
  });
}

std::filesystem::file_time_type Acceptor::tls_stores_time() const {
  // min(), not {}: libstdc++'s file clock counts from 2174, so today's times are negative.
  auto latest = std::filesystem::file_time_type::min();
  for (const char* key : {"keyStorePath", "trustStorePath"}) {
    const auto path = config_.param_text(key);
    if (path.empty()) continue;
    std::error_code ec;
    const auto t = std::filesystem::last_write_time(path, ec);
    if (!ec && t > latest) latest = t;
  }
  return latest;
}

void Acceptor::watch_tls_stores() {
  tls_reload_.expires_after(std::chrono::seconds(1));
  tls_reload_.async_wait([this, alive = alive_](const std::error_code& ec) {
    if (ec || !*alive || !listener_.is_open()) return;
    if (const auto t = tls_stores_time(); t != tls_stores_time_) {
      tls_stores_time_ = t;
      std::string error;
      if (auto fresh = make_server_tls_context(config_, error)) {
        tls_ = std::move(fresh);
        log_.plain(util::Level::info, kLogger,
                   "acceptor '{}': key and trust stores changed; new connections use them",
                   config_.name);
      } else {
        // A store caught half-written, or a wrong password: the last good one stays.
        log_.plain(util::Level::warn, kLogger, "{}; the stores in use are kept", error);
      }
    }
    watch_tls_stores();
  });
}

void Acceptor::refuse_over_limit(asio::ip::tcp::socket socket) {
  std::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  log_.plain(
      util::Level::warn, kLogger,
      "Connection limit of {} reached. Refusing connection from {} (acceptor '{}', "
      "connectionsAllowed)",
      limits_.connections_allowed,
      ec ? std::string("unknown") : fmt::format("{}:{}", peer.address().to_string(), peer.port()),
      config_.name);
  socket.close(ec);
}

// A resource shortage: accepting again at once would fail again at once (and spin the broker
// thread), so stop for a while. The clients wait in the listen backlog meanwhile; the retry
// takes them as soon as a descriptor is free. See accept_backoff.hpp.
void Acceptor::on_accept_failed(const std::error_code& ec) {
  const auto pause = backoff_.on_failure(std::chrono::steady_clock::now());
  if (pause.log && pause.first) {
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    log_.plain(util::Level::warn, kLogger,
               "acceptor '{}': accept failed: {} (open-file limit {}); pausing accept, retrying "
               "after {} ms, then up to every {} ms; waiting clients stay in the listen backlog",
               config_.name, ec.message(), lim.rlim_cur, pause.pause.count(),
               AcceptBackoff::kMaxPause.count());
  } else if (pause.log) {
    log_.plain(util::Level::warn, kLogger,
               "acceptor '{}': accept still failing: {}; {} refused attempt(s) so far",
               config_.name, ec.message(), pause.refused);
  }
  accept_paused_ = true;
  accept_retry_.expires_after(pause.pause);
  accept_retry_.async_wait([this, alive = alive_](const std::error_code& timer_ec) {
    if (timer_ec || !*alive || !listener_.is_open()) return;
    accept_paused_ = false;
    start_accept();
  });
}

void Acceptor::close() {
  std::error_code ignored;
  listener_.close(ignored);
  accept_retry_.cancel();
  tls_reload_.cancel();
  accept_paused_ = false;
}

void Acceptor::close_connections(CloseReason reason) {
  // shutdown_now() erases from connections_ through on_finished: iterate over a copy.
  auto copy = connections_;
  for (auto& [id, conn] : copy) conn->shutdown_now(reason);
  connections_.clear();
}

std::vector<std::string> Acceptor::protocol_names() const {
  std::vector<std::string> names;
  for (auto* m : modules_) names.emplace_back(m->name());
  return names;
}

int Acceptor::bound_port() const {
  std::error_code ec;
  const auto ep = listener_.local_endpoint(ec);
  return ec ? config_.port : ep.port();
}

}  // namespace artemis::net
