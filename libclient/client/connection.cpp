#include "client/connection.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <thread>

#include "client/amqp_session.hpp"
#include "client/mqtt_session.hpp"
#include "client/stomp_session.hpp"

namespace artemis::client {

Connection::Connection(ConnectionOptions options) : options_(std::move(options)) {
  const auto& u = options_.url;
  link_options_.user = !options_.user.empty() ? options_.user : u.user;
  link_options_.password = !options_.password.empty() ? options_.password : u.password;
  link_options_.client_id = !options_.client_id.empty() ? options_.client_id : u.client_id;
  link_options_.connect_timeout = std::chrono::milliseconds(u.connect_timeout_ms);
  link_options_.tls = u.tls;
  // We offer to beat at half the TTL we ask the broker to keep (the broker's TTL is our period
  // times its modifier 2.0), and ask the broker to beat at half our failure-check period.
  const auto ttl = u.connection_ttl_ms;
  link_options_.heartbeat_send = std::chrono::milliseconds(ttl > 0 ? std::clamp<std::int64_t>(ttl / 2, 500, 30000) : 0);
  const auto check = u.client_failure_check_period_ms;
  link_options_.heartbeat_receive = std::chrono::milliseconds(check > 0 ? std::max<std::int64_t>(check / 2, 500) : 0);
}

void Connection::notify(const std::string& text) const {
  if (options_.on_event) options_.on_event(text);
}

std::vector<Server> Connection::candidates() const {
  std::vector<Server> out;
  auto add = [&out](const Server& s) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  {
    std::lock_guard lock(mutex_);
    for (const auto& s : advertised_) add(s);
  }
  for (const auto& s : options_.url.servers) add(s);
  return out;
}

void Connection::learn(const std::vector<Server>& servers) {
  if (servers.empty()) return;
  std::lock_guard lock(mutex_);
  for (const auto& s : servers)
    if (std::find(advertised_.begin(), advertised_.end(), s) == advertised_.end()) advertised_.push_back(s);
}

std::optional<Server> Connection::try_all(const std::vector<Server>& servers, const Opener& open,
                                          std::string& errors) {
  for (const auto& s : servers) {
    try {
      open(s);
      return s;
    } catch (const ClientError& e) {
      // Wrong credentials will not get better by retrying another server of the same cluster.
      if (e.kind() == ErrorKind::auth_failed) throw;
      if (!errors.empty()) errors += "; ";
      errors += e.what();
    }
  }
  return std::nullopt;
}

Server Connection::open_initial(const Opener& open) {
  const auto& u = options_.url;
  std::string errors;
  for (int attempt = 0; u.initial_connect_attempts < 0 || attempt < u.initial_connect_attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(u.retry_delay_ms(attempt - 1)));
    errors.clear();
    if (auto server = try_all(u.servers, open, errors)) return *server;
  }
  throw ClientError(ErrorKind::connect_failed,
                    fmt::format("AMQ219007: Cannot connect to server(s). Tried with all available "
                                "servers. ({})",
                                errors));
}

Server Connection::reconnect(const Server& lost, const std::string& reason, const Opener& open) {
  const auto& u = options_.url;
  const int attempts = u.effective_reconnect_attempts();
  notify(fmt::format("Connection to {} lost ({}); failing over", lost.to_string(), reason));
  std::string errors;
  for (int attempt = 0; attempts < 0 || attempt < attempts; ++attempt) {
    // The first try is immediate: with shared-store HA the backup may already be live.
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(u.retry_delay_ms(attempt - 1)));
    errors.clear();
    // The server that just failed goes last: its backup is the likelier survivor.
    auto servers = candidates();
    std::stable_partition(servers.begin(), servers.end(), [&](const Server& s) { return !(s == lost); });
    if (auto server = try_all(servers, open, errors)) {
      notify(fmt::format("Reconnected to {}", server->to_string()));
      return *server;
    }
  }
  throw ClientError(ErrorKind::connection_lost,
                    fmt::format("connection to {} lost ({}) and {} reconnect attempts failed ({}); "
                                "raise reconnectAttempts or check the brokers",
                                lost.to_string(), reason, attempts, errors));
}

std::unique_ptr<StompLink> Connection::open_initial() {
  std::unique_ptr<StompLink> link;
  open_initial([&](const Server& s) {
    link = StompLink::open(s, link_options_);
    learn(link->advertised_servers());
  });
  return link;
}

std::unique_ptr<StompLink> Connection::reconnect(const Server& lost, const std::string& reason) {
  std::unique_ptr<StompLink> link;
  reconnect(lost, reason, [&](const Server& s) {
    link = StompLink::open(s, link_options_);
    learn(link->advertised_servers());
  });
  return link;
}

void Connection::probe() {
  if (options_.protocol == Protocol::amqp) {
    AmqpSession(*this, Transacted::no).close();
    return;
  }
  if (options_.protocol == Protocol::mqtt) {
    MqttSession(*this, Transacted::no).close();
    return;
  }
  auto link = open_initial();
  link->close(std::chrono::milliseconds(2000));
}

std::unique_ptr<Session> Connection::create_session(Transacted transacted) {
  if (options_.protocol == Protocol::amqp) return std::make_unique<AmqpSession>(*this, transacted);
  if (options_.protocol == Protocol::mqtt) return std::make_unique<MqttSession>(*this, transacted);
  return std::make_unique<StompSession>(*this, transacted);
}

}  // namespace artemis::client
