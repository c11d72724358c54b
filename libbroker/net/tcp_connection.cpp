#include "net/tcp_connection.hpp"

#include <openssl/x509.h>

#include <asio/post.hpp>
#include <asio/write.hpp>

#include "net/detect.hpp"
#include "net/logger.hpp"

namespace artemis::net {
namespace {

std::string peer_of(const asio::ip::tcp::socket& s) {
  std::error_code ec;
  const auto ep = s.remote_endpoint(ec);
  if (ec) return "unknown";
  const auto addr = ep.address();
  return addr.is_v6() ? fmt::format("[{}]:{}", addr.to_string(), ep.port())
                      : fmt::format("{}:{}", addr.to_string(), ep.port());
}

bool orderly(CloseReason r) {
  return r == CloseReason::client_closed || r == CloseReason::session_closed ||
         r == CloseReason::server_shutdown;
}

}  // namespace

TcpConnection::TcpConnection(asio::ip::tcp::socket socket, std::uint64_t id,
                             const config::TransportConfig& acceptor,
                             std::vector<ProtocolModule*> modules, ConnectionLimits limits,
                             const util::Logger& log, Finished on_finished,
                             std::shared_ptr<asio::ssl::context> tls)
    : socket_(std::move(socket)),
      tls_context_(std::move(tls)),
      id_(id),
      remote_(peer_of(socket_)),
      acceptor_(acceptor),
      modules_(std::move(modules)),
      limits_(limits),
      log_(log),
      on_finished_(std::move(on_finished)),
      read_buf_(limits_.read_buffer_bytes),
      timer_(socket_.get_executor()) {
  if (tls_context_)
    tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket>>(std::move(socket_),
                                                                      *tls_context_);
}

TcpConnection::~TcpConnection() = default;

template <class... Args>
void TcpConnection::log(util::Level level, fmt::format_string<Args...> f, Args&&... args) const {
  if (!log_.enabled(level)) return;
  // Every connection line starts with the peer and the connection id.
  log_.write(level, kLogger,
             fmt::format("{} - cid:{}{}: {}", remote_, id_, client_id_,
                         fmt::format(f, std::forward<Args>(args)...)));
}

std::string TcpConnection::certificate_subject() const {
  if (!tls_) return {};
  X509* cert = SSL_get1_peer_certificate(tls_->native_handle());
  if (cert == nullptr) return {};
  std::string out;
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    if (n > 0) out.assign(data, static_cast<std::size_t>(n));
    BIO_free(bio);
  }
  X509_free(cert);
  return out;
}

void TcpConnection::set_client_id(std::string_view client_id) {
  // Bounded and printable: it comes from the client.
  client_id_ = " (";
  for (const char c : client_id.substr(0, 128))
    client_id_ += static_cast<unsigned char>(c) >= 0x20 && c != 0x7f ? c : '?';
  client_id_ += ')';
}

void TcpConnection::start() {
  std::error_code ignored;
  tcp().set_option(asio::ip::tcp::no_delay(true), ignored);
  log(util::Level::debug, "accepted on acceptor '{}'", acceptor_.name);
  if (limits_.handshake_timeout.count() > 0) {
    timer_.expires_after(limits_.handshake_timeout);
    timer_.async_wait([self = shared_from_this()](const std::error_code& ec) {
      if (ec || self->session_ || self->state_ != State::open) return;
      self->close_with(CloseReason::handshake_timeout,
                       fmt::format("no protocol identified within {} ms",
                                   self->limits_.handshake_timeout.count()));
    });
  }
  if (!tls_) return start_read();
  tls_->async_handshake(
      asio::ssl::stream_base::server,
      [self = shared_from_this()](const std::error_code& ec) { self->on_handshake(ec); });
}

void TcpConnection::on_handshake(const std::error_code& ec) {
  if (state_ != State::open) return;
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
      ec == asio::error::connection_reset) {
    close_with(CloseReason::client_closed, "before the TLS handshake ended");  // a port probe
    return;
  }
  if (ec) {
    close_with(CloseReason::tls_failed, fmt::format("TLS handshake failed: {}", ec.message()));
    return;
  }
  log(util::Level::debug, "TLS {} established", SSL_get_version(tls_->native_handle()));
  start_read();
}

void TcpConnection::start_read() {
  if (reading_ || paused_ || state_ != State::open) return;
  reading_ = true;
  auto done = [self = shared_from_this()](const std::error_code& ec, std::size_t n) {
    self->on_read(ec, n);
  };
  if (tls_)
    tls_->async_read_some(asio::buffer(read_buf_), std::move(done));
  else
    socket_.async_read_some(asio::buffer(read_buf_), std::move(done));
}

void TcpConnection::on_read(const std::error_code& ec, std::size_t n) {
  reading_ = false;
  if (state_ != State::open) return;
  if (ec) {
    // A TLS peer that closes without close_notify (most do) ends the stream "truncated".
    if (ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::ssl::error::stream_truncated)
      close_with(CloseReason::client_closed, "");
    else
      close_with(CloseReason::io_error, fmt::format("read failed: {}", ec.message()));
    return;
  }
  const std::string_view bytes(read_buf_.data(), n);
  if (session_)
    session_->on_bytes(bytes);
  else
    on_detect_bytes(bytes);
  start_read();  // no-op when paused or closing
}

void TcpConnection::on_detect_bytes(std::string_view bytes) {
  // Only the first kMaxDetectBytes matter for detection; the rest waits in detect_buf_ too so
  // the session sees the whole stream, but never more than one read buffer beyond that.
  detect_buf_.append(bytes);
  const auto d = detect_protocol(detect_buf_, modules_);
  switch (d.outcome) {
    case Detection::Outcome::need_more:
      return;
    case Detection::Outcome::foreign:
      log(util::Level::warn, "client speaks {}, which this broker does not support yet", d.foreign);
      close_with(CloseReason::unsupported_protocol, fmt::format("protocol {}", d.foreign));
      return;
    case Detection::Outcome::unknown:
      close_with(CloseReason::unsupported_protocol,
                 fmt::format("no enabled protocol of acceptor '{}' recognises the first {} bytes",
                             acceptor_.name, detect_buf_.size()));
      return;
    case Detection::Outcome::module:
      break;
  }
  timer_.cancel();
  protocol_ = d.module->name().data();
  log(util::Level::debug, "protocol {} detected", d.module->name());
  session_ = d.module->create_session(*this);
  std::string first = std::move(detect_buf_);
  detect_buf_.clear();
  detect_buf_.shrink_to_fit();
  if (session_ && state_ == State::open) session_->on_bytes(first);
}

void TcpConnection::send(std::string_view bytes) {
  if (state_ != State::open || bytes.empty()) return;
  pending_bytes_ += bytes.size();
  outbox_.append(bytes);
  if (pending_bytes_ > limits_.max_pending_write_bytes) {
    close_with(CloseReason::slow_consumer,
               fmt::format("{} bytes queued for writing, over the limit of {}", pending_bytes_,
                           limits_.max_pending_write_bytes));
    return;
  }
  if (pending_bytes_ > limits_.write_high_water) above_high_water_ = true;
  start_write();
}

void TcpConnection::start_write() {
  if (writing_ || outbox_.empty() || state_ == State::finished) return;
  writing_ = true;
  auto done = [self = shared_from_this()](const std::error_code& ec, std::size_t n) {
    self->on_write(ec, n);
  };
  if (tls_)
    asio::async_write(*tls_, outbox_.gather(), std::move(done));
  else
    asio::async_write(socket_, outbox_.gather(), std::move(done));
}

void TcpConnection::on_write(const std::error_code& ec, std::size_t n) {
  writing_ = false;
  pending_bytes_ -= std::min(n, pending_bytes_);
  outbox_.consume(n);
  if (state_ == State::finished) {
    outbox_.clear();  // kept by finish() while this write could still read it
    return;
  }
  if (ec) {
    pending_bytes_ = 0;
    outbox_.clear();
    if (state_ == State::open)
      close_with(CloseReason::io_error, fmt::format("write failed: {}", ec.message()));
    else
      finish();
    return;
  }
  if (state_ == State::closing) {
    if (outbox_.empty()) finish();
    else start_write();
    return;
  }
  start_write();
  if (above_high_water_ && pending_bytes_ <= limits_.write_low_water) {
    above_high_water_ = false;
    if (session_) session_->on_writable();
  }
}

void TcpConnection::close(CloseReason reason) { close_with(reason, ""); }

void TcpConnection::close_with(CloseReason reason, std::string detail) {
  if (state_ != State::open) return;
  state_ = State::closing;
  reason_ = reason;
  close_detail_ = std::move(detail);
  log(orderly(reason) ? util::Level::info : util::Level::warn, "closing: {}{}{}",
      to_string(reason), close_detail_.empty() ? "" : ": ", close_detail_);
  // A slow consumer or a broken socket gets nothing more; other closes flush what is queued
  // (e.g. a STOMP ERROR frame) within close_flush_timeout.
  const bool flush = reason != CloseReason::slow_consumer && reason != CloseReason::io_error &&
                     reason != CloseReason::client_closed;
  if (!flush || (!writing_ && outbox_.empty())) {
    // Finished from a fresh handler, not from inside a session callback (the session may be
    // the caller). Closing the socket aborts a write in flight; its buffers live until then.
    asio::post(tcp().get_executor(), [self = shared_from_this()] { self->finish(); });
    return;
  }
  std::error_code ignored;
  tcp().shutdown(asio::ip::tcp::socket::shutdown_receive, ignored);
  if (!writing_) start_write();
  timer_.cancel();
  timer_.expires_after(limits_.close_flush_timeout);
  timer_.async_wait([self = shared_from_this()](const std::error_code& ec) {
    if (ec) return;
    self->log(util::Level::warn, "close flush timed out with {} bytes unwritten",
              self->pending_bytes_);
    self->finish();
  });
}

void TcpConnection::shutdown_now(CloseReason reason) {
  if (state_ == State::finished) return;
  if (state_ == State::open) {
    state_ = State::closing;
    reason_ = reason;
    log(util::Level::info, "closing: {}", to_string(reason));
  }
  // Best effort: whatever the socket takes without blocking (a DISCONNECT/ERROR frame).
  if (!writing_ && !outbox_.empty() && !tls_) {  // under TLS it would need a handshake state
    std::error_code ec;
    socket_.non_blocking(true, ec);
    if (!ec) socket_.write_some(outbox_.gather(), ec);
  }
  finish();
}

void TcpConnection::finish() {
  if (state_ == State::finished) return;
  state_ = State::finished;
  std::error_code ignored;
  timer_.cancel();
  tcp().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  tcp().close(ignored);
  if (!writing_) outbox_.clear();  // else on_write does, once the aborted write lets go
  pending_bytes_ = 0;
  log(util::Level::debug, "closed ({})", to_string(reason_));
  if (session_) {
    auto session = std::move(session_);
    session->on_closed(reason_);
  }
  if (on_finished_) {
    auto cb = std::move(on_finished_);
    cb(id_);
  }
}

void TcpConnection::pause_reading() { paused_ = true; }

void TcpConnection::resume_reading() {
  if (!paused_) return;
  paused_ = false;
  // Re-arm from a fresh handler, not from inside the caller's stack (often on_bytes).
  asio::post(tcp().get_executor(), [self = shared_from_this()] { self->start_read(); });
}

}  // namespace artemis::net
