#pragma once
// Acceptor: one <acceptor> of broker.xml: a listening socket, the protocol modules its
// protocols= list enables, and the connections it accepted. Broker thread only.
// Lifecycle: open() (bind + listen; "port in use" is reported, not thrown), then accepting until
// close(); close_connections() ends every connection at once (deactivation).
// Out of descriptors (EMFILE) it pauses accepting with a growing back-off (accept_backoff.hpp);
// waiting clients stay in the listen backlog.
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/accept_backoff.hpp"
#include "net/connection_limits.hpp"
#include "net/protocol.hpp"
#include "net/tcp_connection.hpp"
#include "util/log.hpp"

namespace artemis::net {

// Connection ids, unique per broker process (shared by all acceptors).
class ConnectionIds {
 public:
  std::uint64_t next() { return ++last_; }

 private:
  std::uint64_t last_ = 0;
};

struct OpenResult {
  bool ok = false;
  std::string error;  // "acceptor 'artemis' cannot listen on 0.0.0.0:61616: port in use (...)"
};

class Acceptor {
 public:
  // `config` must outlive the acceptor (it lives in the broker's BrokerConfig).
  Acceptor(asio::io_context& io, const config::TransportConfig& config,
           std::vector<ProtocolModule*> modules, ConnectionLimits limits,
           ConnectionIds& ids, const util::Logger& log);
  ~Acceptor();
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

  OpenResult open();
  void close();                                 // stop accepting; connections stay
  void close_connections(CloseReason reason);   // synchronous: on_closed has run for all

  const config::TransportConfig& config() const { return config_; }
  // Names of the enabled modules, in protocols= order ("STOMP").
  std::vector<std::string> protocol_names() const;
  int bound_port() const;  // the real port (useful with port 0)
  std::string bound_host() const { return host_; }
  std::size_t connection_count() const { return connections_.size(); }
  bool is_open() const { return listener_.is_open(); }
  // True while accepting is paused after a resource shortage (EMFILE, ENFILE, ENOBUFS, ENOMEM).
  bool accept_paused() const { return accept_paused_; }

 private:
  void start_accept();
  void on_accept_failed(const std::error_code& ec);
  // connectionsAllowed reached: logged and closed at once.
  void refuse_over_limit(asio::ip::tcp::socket socket);

  asio::io_context& io_;
  const config::TransportConfig& config_;
  std::vector<ProtocolModule*> modules_;
  ConnectionLimits limits_;
  ConnectionIds& ids_;
  const util::Logger& log_;
  asio::ip::tcp::acceptor listener_;
  asio::steady_timer accept_retry_;
  AcceptBackoff backoff_;
  bool accept_paused_ = false;
  std::string host_;
  std::shared_ptr<asio::ssl::context> tls_;  // sslEnabled: made by open()
  // sslAutoReload: the stores are looked at every second and, once changed, read again for
  // the connections that follow (those open keep their session).
  void watch_tls_stores();
  std::filesystem::file_time_type tls_stores_time() const;
  asio::steady_timer tls_reload_;
  std::filesystem::file_time_type tls_stores_time_{};
  std::unordered_map<std::uint64_t, std::shared_ptr<TcpConnection>> connections_;
  // Shared with connection callbacks so a connection finishing after the acceptor is gone
  // does not touch it.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace artemis::net
