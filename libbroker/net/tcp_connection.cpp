#include "net/tcp_connection.hpp"

#include <algorithm>
#include <asio/post.hpp>
#include <asio/write.hpp>

#include "net/detect.hpp"
#include "net/logger.hpp"
#include "net/tls.hpp"

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

// The peer's address as its certificate would name it (an IPv4 client of a dual-stack
// acceptor as a.b.c.d); empty when the socket has none.
std::string peer_address(const asio::ip::tcp::socket& s) {
  std::error_code ec;
  const auto ep = s.remote_endpoint(ec);
  if (ec) return {};
  auto addr = ep.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped())
    addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  return addr.to_string();
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
  if (tls_context_) tls_ = std::make_unique<TlsFilter>(tls_context_->native_handle());
  // verifyHost: a certificate that does not name this address fails the handshake; an
  // address we cannot read (the peer already gone) fails it too.
  if (tls_ && tls_->usable() && acceptor_.param_bool("verifyHost", false))
    tls_->expect_client_address(peer_address(socket_));
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
  return tls_ ? tls_->peer_subject() : std::string();
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
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
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
  if (tls_ && !tls_->usable())
    return close_with(CloseReason::tls_failed, "TLS not available: " + tls_->error());
  start_read();  // under TLS the client speaks first: its ClientHello starts the handshake
}

void TcpConnection::start_read() {
  if (reading_ || paused_ || state_ != State::open) return;
  reading_ = true;
  auto done = [self = shared_from_this()](const std::error_code& ec, std::size_t n) {
    self->on_read(ec, n);
  };
  socket_.async_read_some(asio::buffer(read_buf_), std::move(done));
}

void TcpConnection::on_read(const std::error_code& ec, std::size_t n) {
  reading_ = false;
  if (state_ != State::open) return;
  if (ec) {
    if (ec != asio::error::eof && ec != asio::error::connection_reset)
      close_with(CloseReason::io_error, fmt::format("read failed: {}", ec.message()));
    else if (tls_ && !tls_->handshake_done())
      close_with(CloseReason::client_closed, "before the TLS handshake ended");  // a port probe
    else
      close_with(CloseReason::client_closed, "");
    return;
  }
  const std::string_view bytes(read_buf_.data(), n);
  if (!tls_)
    on_plain_bytes(bytes);
  else if (!on_tls_bytes(bytes))
    return;
  start_read();  // no-op when paused or closing
}

bool TcpConnection::on_tls_bytes(std::string_view cipher) {
  const bool was_done = tls_->handshake_done();
  tls_plain_.clear();
  const auto fed = tls_->feed(cipher, tls_plain_);
  if (fed == TlsFilter::Fed::failed) {
    close_with(
        CloseReason::tls_failed,
        fmt::format("TLS {} failed: {}", was_done ? "connection" : "handshake", tls_->error()));
    return false;
  }
  if (!was_done && tls_->handshake_done()) {
    log(util::Level::debug, "TLS {} established", tls_->version());
    if (auto refused = sni_refusal(); !refused.empty()) {
      close_with(CloseReason::tls_failed, std::move(refused));
      return false;
    }
  }
  if (tls_->has_output()) start_write();  // the handshake's answer
  if (!tls_plain_.empty()) on_plain_bytes(tls_plain_);
  if (fed == TlsFilter::Fed::closed) {
    close_with(CloseReason::client_closed, "");
    return false;
  }
  return state_ == State::open;
}

std::string TcpConnection::sni_refusal() const {
  // sniHost: a client that names another host is refused, as Artemis's SNI matcher does; one
  // that names none is let in.
  const auto wanted = acceptor_.param_text("sniHost");
  const auto asked = tls_->server_name();
  if (wanted.empty() || asked.empty() || sni_host_matches(wanted, asked)) return {};
  return fmt::format("the client asked for host '{}', this acceptor's sniHost is '{}'", asked,
                     wanted);
}

void TcpConnection::on_detect_bytes(std::string_view bytes) {
  // Only the first kMaxDetectBytes matter for detection; the rest waits in detect_buf_ too so
  // the session sees the whole stream, but never more than one read buffer beyond that. An
  // HTTP upgrade request is read whole (ws::kMaxRequestBytes at most).
  detect_buf_.append(bytes);
  if (!ws_ && ws::may_be_get(detect_buf_)) return on_upgrade_request();
  const auto d = detect_protocol(detect_buf_, modules_);
  switch (d.outcome) {
    case Detection::Outcome::need_more:
      return;
    case Detection::Outcome::foreign:
      if (d.foreign == "TLS")
        log(util::Level::warn, "client speaks TLS, but acceptor '{}' is not sslEnabled",
            acceptor_.name);
      else
        log(util::Level::warn, "client speaks {}, which this broker does not support yet",
            d.foreign);
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
  if (ws_) queue(ws::frame_header(ws::Opcode::binary, bytes.size()));
  queue(bytes);
}

void TcpConnection::queue(std::string_view bytes) {
  if (state_ != State::open) return;
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
  if (writing_ || state_ == State::finished) return;
  if (tls_) return start_tls_write();
  if (outbox_.empty()) return;
  writing_ = true;
  asio::async_write(socket_, outbox_.gather(),
                    [self = shared_from_this()](const std::error_code& ec, std::size_t n) {
                      self->on_write(ec, n);
                    });
}

void TcpConnection::start_tls_write() {
  // Everything queued (up to the gather limit) becomes records in one buffer, one syscall.
  tls_out_.clear();
  tls_out_plain_ = 0;
  if (tls_->handshake_done() && !outbox_.empty()) {
    for (const auto& b : outbox_.gather()) {
      if (!tls_->encrypt({static_cast<const char*>(b.data()), b.size()}, tls_out_)) {
        outbox_.clear();
        pending_bytes_ = 0;
        close_with(CloseReason::io_error, "TLS write failed: " + tls_->error());
        return;
      }
      tls_out_plain_ += b.size();
    }
    outbox_.consume(tls_out_plain_);
  }
  tls_->take_output(tls_out_);
  if (tls_out_.empty()) return;
  writing_ = true;
  asio::async_write(socket_, asio::buffer(tls_out_),
                    [self = shared_from_this()](const std::error_code& ec, std::size_t) {
                      self->on_write(ec, self->tls_out_plain_);
                    });
}

void TcpConnection::on_write(const std::error_code& ec, std::size_t n) {
  writing_ = false;
  pending_bytes_ -= std::min(n, pending_bytes_);
  if (!tls_) outbox_.consume(n);  // under TLS consumed when encrypted
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
  // tls_out_ stays allocated for the next write, unless a burst made it large.
  if (tls_out_.capacity() > (1u << 20)) std::string().swap(tls_out_);
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
  if (ws_ && flush && !ws_closed_) {
    // The WebSocket's own close, after what is queued.
    ws_closed_ = true;
    const auto frame = ws::close_frame(reason == CloseReason::protocol_error ? 1002 : 1000);
    outbox_.append(frame);
    pending_bytes_ += frame.size();
  }
  const bool queued = !outbox_.empty() || (tls_ && tls_->has_output());  // a TLS alert too
  if (!flush || (!writing_ && !queued)) {
    // Finished from a fresh handler, not from inside a session callback (the session may be
    // the caller). Closing the socket aborts a write in flight; its buffers live until then.
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->finish(); });
    return;
  }
  std::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_receive, ignored);
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
  if (!writing_ && !outbox_.empty()) write_now();
  finish();
}

void TcpConnection::write_now() {
  std::error_code ec;
  socket_.non_blocking(true, ec);
  if (ec) return;
  if (!tls_) {
    socket_.write_some(outbox_.gather(), ec);
    return;
  }
  if (!tls_->handshake_done()) return;
  std::string records;
  for (const auto& b : outbox_.gather())
    if (!tls_->encrypt({static_cast<const char*>(b.data()), b.size()}, records)) return;
  socket_.write_some(asio::buffer(records), ec);
}

void TcpConnection::finish() {
  if (state_ == State::finished) return;
  state_ = State::finished;
  std::error_code ignored;
  timer_.cancel();
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
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
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->start_read(); });
}

}  // namespace artemis::net
