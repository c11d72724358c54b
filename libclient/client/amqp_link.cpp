#include "client/amqp_link.hpp"

#include <fmt/core.h>
#include <proton/codec.h>
#include <proton/condition.h>
#include <proton/connection.h>
#include <proton/event.h>
#include <proton/sasl.h>
#include <proton/session.h>
#include <proton/transport.h>

#include <algorithm>
#include <cstring>

namespace artemis::client {
namespace {

std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string condition_description(pn_condition_t* c) {
  if (c == nullptr || !pn_condition_is_set(c)) return {};
  const char* name = pn_condition_get_name(c);
  const char* description = pn_condition_get_description(c);
  return fmt::format("{}{}{}", name ? name : "", description ? ": " : "",
                     description ? description : "");
}

}  // namespace

AmqpLink::AmqpLink(const Server& server, const LinkOptions& options)
    : server_(server), options_(options) {}

AmqpLink::~AmqpLink() {
  pn_connection_driver_destroy(&driver_);
}

std::unique_ptr<AmqpLink> AmqpLink::open(const Server& server, const LinkOptions& options,
                                         const std::string& container_id) {
  std::unique_ptr<AmqpLink> link(new AmqpLink(server, options));
  std::string error;
  if (!link->socket_.connect(server.host, server.port, options.connect_timeout, error,
                             options.interrupt.get(), &options.tls))
    throw ClientError(ErrorKind::connect_failed, error);
  auto& d = link->driver_;
  if (pn_connection_driver_init(&d, pn_connection(), pn_transport()) != 0)
    throw ClientError(ErrorKind::connect_failed, "cannot set up an AMQP connection");
  pn_connection_set_container(d.connection, container_id.c_str());
  pn_connection_set_hostname(d.connection, server.host.c_str());
  pn_sasl_t* sasl = pn_sasl(d.transport);
  pn_sasl_set_allow_insecure_mechs(sasl, true);
  if (options.user.empty()) {
    pn_sasl_allowed_mechs(sasl, "ANONYMOUS");
  } else {
    pn_sasl_allowed_mechs(sasl, "PLAIN");
    pn_connection_set_user(d.connection, options.user.c_str());
    pn_connection_set_password(d.connection, options.password.c_str());
  }
  pn_connection_open(d.connection);
  link->session_ = pn_session(d.connection);
  pn_session_open(link->session_);
  const auto deadline = Clock::now() + options.connect_timeout;
  bool opened = false;
  try {
    opened = link->run_until(
        [&] { return (pn_connection_state(d.connection) & PN_REMOTE_ACTIVE) != 0; }, deadline);
  } catch (const ClientError&) {
    // Told apart below: a refused login, a refused open, or no AMQP at all.
  }
  if (pn_sasl_outcome(sasl) == PN_SASL_AUTH)
    throw ClientError(ErrorKind::auth_failed,
                      fmt::format("{}: AMQ229031: Unable to validate user from {}",
                                  server.to_string(), server.host));
  if (!opened || (pn_connection_state(d.connection) & PN_REMOTE_CLOSED)) {
    const auto why = link->condition_text();
    throw ClientError(ErrorKind::connect_failed,
                      fmt::format("{}: AMQP connection not opened{}", server.to_string(),
                                  why.empty() ? "" : " (" + why + ")"));
  }
  return link;
}

std::string AmqpLink::condition_text() const {
  auto text = condition_description(pn_connection_remote_condition(driver_.connection));
  if (text.empty()) text = condition_description(pn_transport_condition(driver_.transport));
  if (text.empty()) text = socket_error_;
  return text;
}

void AmqpLink::lost(const std::string& why) {
  throw LinkLost(fmt::format("{}: {}", server_.to_string(), why));
}

void AmqpLink::flush() {
  if (hold_ && pn_connection_driver_write_buffer(&driver_).size < kHeldWriteBytes) return;
  release();
}

void AmqpLink::release() {
  for (pn_bytes_t out = pn_connection_driver_write_buffer(&driver_); out.size > 0;
       out = pn_connection_driver_write_buffer(&driver_)) {
    if (!socket_.write_all(std::string_view(out.start, out.size), socket_error_)) {
      pn_connection_driver_write_close(&driver_);
      return;
    }
    pn_connection_driver_write_done(&driver_, out.size);
  }
}

bool AmqpLink::run_until(const std::function<bool()>& done, Clock::time_point deadline) {
  for (;;) {
    while (pn_event_t* e = pn_connection_driver_next_event(&driver_))
      if (handler_) handler_(e);
    flush();
    if (done && done()) return true;
    if (pn_connection_driver_finished(&driver_) ||
        (pn_connection_state(driver_.connection) & PN_REMOTE_CLOSED)) {
      // A broker that closes with an error other than a forced close (shutdown, failover)
      // refused something: no reconnect would change that.
      pn_condition_t* c = pn_connection_remote_condition(driver_.connection);
      const char* name = pn_condition_is_set(c) ? pn_condition_get_name(c) : nullptr;
      if (name != nullptr && std::string_view(name) != "amqp:connection:forced")
        throw ClientError(ErrorKind::broker_error,
                          fmt::format("{}: {}", server_.to_string(), condition_text()));
      const auto why = condition_text();
      lost(why.empty() ? "the connection was closed" : why);
    }
    const auto now = Clock::now();
    if (now >= deadline) return false;
    // Heart-beats: Proton says when it next needs the clock.
    auto wake = deadline;
    if (const auto next = pn_transport_tick(driver_.transport, epoch_ms()); next > 0)
      wake = std::min(
          wake, now + std::chrono::milliseconds(std::max<std::int64_t>(next - epoch_ms(), 1)));
    pn_rwbytes_t room = pn_connection_driver_read_buffer(&driver_);
    if (room.size == 0) continue;  // Proton's events first make room
    release();                     // what the broker's answer may depend on
    read_buffer_.clear();
    switch (
        socket_.read_some(read_buffer_, room.size, wake, socket_error_, options_.interrupt.get())) {
      case Socket::ReadStatus::data:
        std::memcpy(room.start, read_buffer_.data(), read_buffer_.size());
        pn_connection_driver_read_done(&driver_, read_buffer_.size());
        break;
      case Socket::ReadStatus::timeout:
        break;
      case Socket::ReadStatus::interrupted:
        lost("interrupted");
      case Socket::ReadStatus::closed:
      case Socket::ReadStatus::error:
        if (socket_error_.empty()) socket_error_ = "the broker closed the connection";
        pn_connection_driver_close(&driver_);
        break;
    }
  }
}

std::vector<Server> AmqpLink::advertised_servers() const {
  std::vector<Server> out;
  pn_data_t* p = pn_connection_remote_properties(driver_.connection);
  pn_data_rewind(p);
  if (!pn_data_next(p) || pn_data_type(p) != PN_MAP) return out;
  const std::size_t entries = pn_data_get_map(p);
  pn_data_enter(p);
  for (std::size_t i = 0; i + 1 < entries; i += 2) {
    if (!pn_data_next(p)) break;
    const bool wanted = pn_data_type(p) == PN_SYMBOL &&
                        std::string_view(pn_data_get_symbol(p).start, pn_data_get_symbol(p).size) ==
                            "failover-server-list";
    if (!pn_data_next(p) || !wanted || pn_data_type(p) != PN_LIST) continue;
    const std::size_t servers = pn_data_get_list(p);
    pn_data_enter(p);
    for (std::size_t s = 0; s < servers && pn_data_next(p); ++s) {
      if (pn_data_type(p) != PN_MAP) continue;
      const std::size_t fields = pn_data_get_map(p);
      Server server;
      pn_data_enter(p);
      for (std::size_t f = 0; f + 1 < fields && pn_data_next(p); f += 2) {
        const pn_bytes_t key = pn_data_type(p) == PN_SYMBOL ? pn_data_get_symbol(p) : pn_bytes_null;
        const std::string_view k(key.start, key.size);
        if (!pn_data_next(p)) break;
        if (k == "hostname" && pn_data_type(p) == PN_STRING)
          server.host.assign(pn_data_get_string(p).start, pn_data_get_string(p).size);
        else if (k == "port" && pn_data_type(p) == PN_INT)
          server.port = pn_data_get_int(p);
      }
      pn_data_exit(p);
      if (!server.host.empty()) out.push_back(server);
    }
    pn_data_exit(p);
  }
  pn_data_exit(p);
  return out;
}

void AmqpLink::close(std::chrono::milliseconds wait) {
  try {
    if (!(pn_connection_state(driver_.connection) & PN_LOCAL_CLOSED))
      pn_connection_close(driver_.connection);
    run_until([&] { return (pn_connection_state(driver_.connection) & PN_REMOTE_CLOSED) != 0; },
              Clock::now() + wait);
  } catch (const ClientError&) {
    // The broker closed first or the connection broke: either way it is closed.
  }
  socket_.close();
}

}  // namespace artemis::client
