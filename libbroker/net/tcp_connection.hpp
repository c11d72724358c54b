#pragma once
// TcpConnection: one accepted socket. Broker thread only.
//
// Reading: one read loop into a bounded buffer. Until a protocol is identified the bytes collect
// in a small detection buffer (kMaxDetectBytes) under the handshake timeout; afterwards every
// read goes straight to the session. pause_reading() stops re-arming the read (the read in
// flight, if any, still delivers).
// Writing: one queue, one async_write in flight, queued buffers gathered into it (writev).
// Queued bytes are bounded: above the high-water mark sessions are expected to stop
// dispatching (pending_bytes()), below the low-water mark they hear on_writable(); past
// max_pending_write_bytes the peer is a slow consumer and the connection closes.
// TLS (an acceptor with sslEnabled, net/tls.hpp): the socket I/O stays as above and the bytes
// pass through a TlsFilter: reads are decrypted (the handshake first, under the handshake
// timeout), and each write encrypts everything queued into one buffer for one syscall.
// WebSockets (net/websocket.hpp): an HTTP upgrade request in place of a protocol's first bytes
// is answered, then the client's frames are unwrapped before detection and the session, and
// each send() goes out as one binary frame.
// Closing: close() logs its reason, flushes what is queued (bounded by close_flush_timeout),
// then shuts the socket, tells the session (on_closed) and the owner (on_finished). The session
// is never destroyed from inside its own callback: finishing is posted.
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/connection_limits.hpp"
#include "net/output_queue.hpp"
#include "net/protocol.hpp"
#include "net/tls_filter.hpp"
#include "net/websocket.hpp"
#include "util/log.hpp"

namespace artemis::net {

class TcpConnection final : public Connection,
                            public std::enable_shared_from_this<TcpConnection> {
 public:
  using Finished = std::function<void(std::uint64_t id)>;

  TcpConnection(asio::ip::tcp::socket socket, std::uint64_t id,
                const config::TransportConfig& acceptor, std::vector<ProtocolModule*> modules,
                ConnectionLimits limits, const util::Logger& log, Finished on_finished,
                std::shared_ptr<asio::ssl::context> tls = nullptr);
  ~TcpConnection() override;

  void start();
  // Server shutdown: best-effort flush without waiting, then finish now (synchronously).
  void shutdown_now(CloseReason reason);

  // Connection
  std::uint64_t id() const override { return id_; }
  std::string remote_address() const override { return remote_; }
  void set_client_id(std::string_view client_id) override;
  const config::TransportConfig& acceptor() const override { return acceptor_; }
  std::string certificate_subject() const override;
  void send(std::string_view bytes) override;
  std::size_t pending_bytes() const override { return pending_bytes_; }
  void close(CloseReason reason) override;
  void pause_reading() override;
  void resume_reading() override;

  bool closed() const { return state_ != State::open; }
  bool reading_paused() const { return paused_; }
  const char* protocol() const { return protocol_; }

 private:
  enum class State { open, closing, finished };

  // The bytes read, decrypted first under TLS; false when the connection is closing.
  bool on_tls_bytes(std::string_view cipher);
  void on_plain_bytes(std::string_view bytes);
  void on_stream_bytes(std::string_view bytes);  // unwrapped from WebSocket frames if any
  void on_upgrade_request();                     // detect_buf_ starts like an HTTP GET
  void queue(std::string_view bytes);            // to the outbox as they are
  std::string sni_refusal() const;  // empty: the client's SNI (if any) suits the acceptor
  void start_tls_write();
  void write_now();  // what the socket takes without waiting, for shutdown_now
  void start_read();
  void on_read(const std::error_code& ec, std::size_t n);
  void on_detect_bytes(std::string_view bytes);
  void start_write();
  void on_write(const std::error_code& ec, std::size_t n);
  void close_with(CloseReason reason, std::string detail);
  void finish();
  template <class... Args>
  void log(util::Level level, fmt::format_string<Args...> f, Args&&... args) const;

  asio::ip::tcp::socket socket_;
  std::shared_ptr<asio::ssl::context> tls_context_;
  std::unique_ptr<TlsFilter> tls_;  // an acceptor with sslEnabled
  std::string tls_plain_;           // decrypted bytes of the last read, reused
  std::unique_ptr<ws::Decoder> ws_;  // after a WebSocket upgrade
  std::string ws_plain_;             // what the last read's frames carried, reused
  bool ws_closed_ = false;           // our close frame is queued
  std::string tls_out_;             // ciphertext of the write in flight
  std::size_t tls_out_plain_ = 0;   // the plaintext bytes it carries
  const std::uint64_t id_;
  const std::string remote_;
  std::string client_id_;  // set_client_id, as it appears in log lines
  const config::TransportConfig& acceptor_;
  const std::vector<ProtocolModule*> modules_;
  const ConnectionLimits limits_;
  const util::Logger& log_;
  Finished on_finished_;

  std::unique_ptr<ProtocolSession> session_;
  const char* protocol_ = nullptr;  // the module's name once detected
  std::string detect_buf_;          // bytes before detection, at most kMaxDetectBytes
  std::vector<char> read_buf_;      // limits_.read_buffer_bytes
  bool reading_ = false;            // an async read is in flight
  bool paused_ = false;

  // Frames are appended while the front of the queue is being written, so a busy connection
  // sends many frames per syscall (one writev of the queue's blocks).
  OutputQueue outbox_;
  bool writing_ = false;
  bool above_high_water_ = false;   // on_writable() owed once below the low-water mark
  std::size_t pending_bytes_ = 0;   // outbox_.size(): queued, not yet written

  asio::steady_timer timer_;  // handshake timeout, then the close flush timeout
  State state_ = State::open;
  CloseReason reason_ = CloseReason::client_closed;
  std::string close_detail_;
};

}  // namespace artemis::net
