#pragma once
// The one interface through which protocols plug into the network layer.
//   Connection       one accepted TCP connection; moves bytes, knows nothing of protocols.
//   ProtocolSession  a protocol's per-connection state machine (STOMP session, ...).
//   ProtocolModule   detects its protocol from the first bytes and creates sessions.
// Everything here runs on the broker thread.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "config/broker_config.hpp"

namespace artemis::net {

// Why a connection closed; every close logs one of these.
enum class CloseReason {
  client_closed,  // peer closed / EOF
  io_error,
  protocol_error,  // malformed input; an ERROR frame was sent when the protocol has one
  auth_failed,
  unsupported_protocol,
  handshake_timeout,  // no protocol identified in time
  ttl_expired,        // heart-beat / TTL silence
  slow_consumer,      // write queue over its limit
  server_shutdown,
  session_closed,  // orderly protocol-level disconnect (e.g. STOMP DISCONNECT)
  frame_too_large,
  tls_failed,  // the TLS handshake failed (no certificate, wrong protocol, ...)
  management,  // an operator closed it (closeConnectionsForAddress / ForUser)
};
std::string_view to_string(CloseReason reason);

class Connection {
 public:
  virtual ~Connection() = default;
  virtual std::uint64_t id() const = 0;
  virtual std::string remote_address() const = 0;  // "127.0.0.1:53122"
  virtual const config::TransportConfig& acceptor() const = 0;
  // The subject of the client's TLS certificate, as RFC 2253 writes it ("CN=client,O=Acme");
  // empty without TLS or without a certificate.
  virtual std::string certificate_subject() const { return {}; }
  // Copies bytes into the connection's output buffer (one write in flight; what is sent
  // meanwhile goes out with the next write).
  virtual void send(std::string_view bytes) = 0;
  // Bytes queued and not yet written: sessions stop dispatching above their high-water mark
  // and resume on ProtocolSession::on_writable().
  virtual std::size_t pending_bytes() const = 0;
  // Flushes what is queued, then closes. Idempotent.
  virtual void close(CloseReason reason) = 0;
  // Stops/resumes reading from the socket (producer flow control).
  virtual void pause_reading() = 0;
  virtual void resume_reading() = 0;
  // The name the client gave itself (an AMQP container id, a STOMP client-id): the
  // connection's log lines carry it from then on, so they can be told apart.
  virtual void set_client_id(std::string_view) {}
};

class ProtocolSession {
 public:
  virtual ~ProtocolSession() = default;
  virtual void on_bytes(std::string_view bytes) = 0;
  virtual void on_writable() {}
  // The connection is gone (any reason); release consumers, roll back transactions.
  virtual void on_closed(CloseReason reason) = 0;
};

class ProtocolModule {
 public:
  enum class Detect { yes, no, need_more };
  virtual ~ProtocolModule() = default;
  virtual std::string_view name() const = 0;  // "STOMP", as written in protocols=
  virtual Detect detect(std::string_view first_bytes) const = 0;
  virtual std::unique_ptr<ProtocolSession> create_session(Connection& connection) = 0;
};

}  // namespace artemis::net
