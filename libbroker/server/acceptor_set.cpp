#include "server/acceptor_set.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "net/detect.hpp"
#include "server/log_codes.hpp"
#include "uri/uri.hpp"
#include "util/strings.hpp"

namespace artemis::server {

std::string validate_acceptors(const config::BrokerConfig& config) {
  for (const auto& a : config.acceptors) {
    if (auto r = net::limits_from(a); !r.error.empty())
      return fmt::format("{}:{}: {}", config.source.string(), a.line, r.error);
  }
  return "";
}

AcceptorSet::AcceptorSet(asio::io_context& io, const config::BrokerConfig& config,
                         net::ConnectionIds& ids, const util::Logger& log)
    : io_(io), config_(config), ids_(ids), log_(log) {}

AcceptorSet::~AcceptorSet() { close(net::CloseReason::server_shutdown); }

bool AcceptorSet::open(const std::vector<net::ProtocolModule*>& modules, std::string& error) {
  for (const auto& cfg : config_.acceptors) {
    if (!util::iequals(cfg.scheme, "tcp")) {
      log_.plain(util::Level::warn, log_codes::server_logger,
                 "acceptor '{}' ({}): scheme '{}' is not supported, only tcp; it is not started",
                 cfg.name, uri::redact_secrets(cfg.url), cfg.scheme);
      continue;
    }
    std::vector<net::ProtocolModule*> enabled;
    for (auto* m : modules)
      if (net::protocol_enabled(cfg.protocols, m->name())) enabled.push_back(m);
    auto acceptor = std::make_unique<net::Acceptor>(io_, cfg, enabled,
                                                    net::limits_from(cfg).limits, ids_, log_);
    if (auto r = acceptor->open(); !r.ok) {
      error = r.error;
      close(net::CloseReason::server_shutdown);
      return false;
    }
    // As Artemis does, name the protocols= list as written; the ones without a module here are
    // named once more so nobody wonders why their clients are turned away.
    std::vector<std::string> listed = cfg.protocols;
    if (listed.empty())
      for (auto* m : enabled) listed.emplace_back(m->name());
    std::vector<std::string> missing;
    for (const auto& p : listed) {
      bool served = false;
      for (auto* m : enabled) served = served || util::iequals(m->name(), p);
      if (!served) missing.push_back(p);
    }
    log_.log(log_codes::acceptor_started, "EPOLL", acceptor->bound_host(), acceptor->bound_port(),
             fmt::join(listed, ","));
    if (!missing.empty())
      log_.plain(util::Level::warn, log_codes::server_logger,
                 "acceptor '{}': protocols [{}] are not supported by this broker yet; their "
                 "clients are disconnected with a log line naming the protocol",
                 cfg.name, fmt::join(missing, ","));
    acceptors_.push_back(std::move(acceptor));
  }
  return true;
}

void AcceptorSet::close(net::CloseReason reason) {
  for (auto& a : acceptors_) a->close();
  for (auto& a : acceptors_) a->close_connections(reason);
  acceptors_.clear();
}

std::vector<int> AcceptorSet::ports() const {
  std::vector<int> out;
  for (const auto& a : acceptors_) out.push_back(a->bound_port());
  return out;
}

std::size_t AcceptorSet::connection_count() const {
  std::size_t n = 0;
  for (const auto& a : acceptors_) n += a->connection_count();
  return n;
}

}  // namespace artemis::server
