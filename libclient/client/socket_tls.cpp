// Socket over TLS (OpenSSL on the descriptor connect() opened): the handshake with the broker's
// certificate checked against the trust store (or the system's CAs) and the host, then reads
// and writes through SSL_read / SSL_write on the now non-blocking descriptor, waiting with poll
// so deadlines and the Interrupt still hold.
#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/core.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include <mutex>

#include "client/socket.hpp"
#include "client/socket_wait.hpp"
#include "client/url.hpp"

namespace artemis::client {

struct Socket::Tls {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  std::mutex mutex;  // every SSL call: a reader and the heart-beat writer share the SSL object
  ~Tls() {
    SSL_free(ssl);
    SSL_CTX_free(ctx);
  }
};

void Socket::TlsDeleter::operator()(Tls* t) const {
  delete t;
}

namespace {

using detail::Wait;

bool is_ip_address(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string handshake_failure(SSL* ssl, int rc) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK)
    return fmt::format("the broker's certificate was not accepted: {}",
                       X509_verify_cert_error_string(verify));
  if (SSL_get_error(ssl, rc) == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
    return "the broker closed the connection (is its acceptor TLS, and does it want a client "
           "certificate?)";
  return tls::openssl_reason();
}

}  // namespace

bool Socket::start_tls(const TlsOptions& o, const std::string& host, int port,
                       std::chrono::milliseconds timeout, std::string& error,
                       const Interrupt* interrupt) {
  const auto where = fmt::format("tcp://{}:{}", host, port);
  auto fail = [&](std::string why) {
    error = fmt::format("{}: TLS: {}", where, why);
    close();
    return false;
  };
  std::unique_ptr<Tls, TlsDeleter> t(new Tls);
  t->ctx = SSL_CTX_new(TLS_client_method());
  if (t->ctx == nullptr) return fail(tls::openssl_reason());
  SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
  std::string why;
  if (!o.key_store.path.empty() && !tls::load_key_store(t->ctx, o.key_store, "keyStorePath", why))
    return fail(why);
  if (o.trust_all) {
    SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, nullptr);
  } else {
    SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, nullptr);
    if (!o.trust_store.path.empty()) {
      if (!tls::load_trust_store(t->ctx, o.trust_store, "trustStorePath", why)) return fail(why);
    } else {
      SSL_CTX_set_default_verify_paths(t->ctx);
    }
  }
  t->ssl = SSL_new(t->ctx);
  if (t->ssl == nullptr || SSL_set_fd(t->ssl, fd_) != 1) return fail(tls::openssl_reason());
  SSL_set_mode(t->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // Read ahead into a 64 KiB buffer: one recv brings several records, which tls_read_some
  // then takes without polling again.
  SSL_set_default_read_buffer_len(t->ssl, 64u << 10);
  SSL_set_read_ahead(t->ssl, 1);
  const std::string& name = o.sni_host.empty() ? host : o.sni_host;
  if (!is_ip_address(name)) SSL_set_tlsext_host_name(t->ssl, name.c_str());
  if (!o.trust_all && o.verify_host) {
    X509_VERIFY_PARAM* param = SSL_get0_param(t->ssl);
    if (is_ip_address(host))
      X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    else
      SSL_set1_host(t->ssl, host.c_str());
  }
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL, 0) | O_NONBLOCK);
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const int rc = SSL_connect(t->ssl);
    if (rc == 1) break;
    const int e = SSL_get_error(t->ssl, rc);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
      return fail("handshake failed: " + handshake_failure(t->ssl, rc));
    const auto waited =
        detail::wait_for(fd_, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, interrupt, deadline);
    if (waited == Wait::interrupted) return fail("interrupted");
    if (waited == Wait::timeout) return fail("handshake timed out");
    if (waited == Wait::failed) return fail(std::strerror(errno));
  }
  tls_ = std::move(t);
  return true;
}

bool Socket::tls_write_all(std::string_view data, std::string& error) {
  while (!data.empty()) {
    int rc = 0, e = 0;
    {
      std::lock_guard lock(tls_->mutex);
      rc = SSL_write(tls_->ssl, data.data(),
                     static_cast<int>(std::min<std::size_t>(data.size(), 1 << 20)));
      if (rc <= 0) e = SSL_get_error(tls_->ssl, rc);
    }
    if (rc > 0) {
      data.remove_prefix(static_cast<std::size_t>(rc));
      continue;
    }
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
      error = e == SSL_ERROR_SYSCALL ? std::string(std::strerror(errno)) : tls::openssl_reason();
      return false;
    }
    // No deadline of its own, as the plain write (which blocks): a long one, re-armed.
    const auto waited = detail::wait_for(fd_, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, nullptr,
                                         Clock::now() + std::chrono::seconds(60));
    if (waited == Wait::failed) {
      error = std::strerror(errno);
      return false;
    }
  }
  return true;
}

Socket::ReadStatus Socket::tls_read_some(std::string& out, std::size_t cap,
                                         Clock::time_point deadline, std::string& error,
                                         const Interrupt* interrupt) {
  char buf[16384];
  const int want = static_cast<int>(cap < sizeof buf ? cap : sizeof buf);
  bool buffered = false;
  {
    std::lock_guard lock(tls_->mutex);
    buffered = SSL_pending(tls_->ssl) > 0 || SSL_has_pending(tls_->ssl);
  }
  // Nothing read ahead: wait for the socket first, as a plain read does, rather than try a
  // read that would only say "not yet".
  if (!buffered) {
    const auto waited = detail::wait_for(fd_, POLLIN, interrupt, deadline);
    if (waited != Wait::ready) return detail::read_status_of<ReadStatus>(waited, error);
  }
  for (;;) {
    int rc = 0, e = 0;
    {
      std::lock_guard lock(tls_->mutex);
      rc = SSL_read(tls_->ssl, buf, want);
      if (rc <= 0) e = SSL_get_error(tls_->ssl, rc);
      std::size_t taken = rc > 0 ? static_cast<std::size_t>(rc) : 0;
      if (taken > 0) out.append(buf, taken);
      // Records already read ahead: take them too, up to `cap`, as one plain read would.
      while (rc > 0 && taken < cap && SSL_has_pending(tls_->ssl)) {
        const int more = static_cast<int>(std::min(cap - taken, sizeof buf));
        const int got = SSL_read(tls_->ssl, buf, more);
        if (got <= 0) {
          (void)SSL_get_error(tls_->ssl, got);  // an incomplete record: the next call's work
          ERR_clear_error();
          break;
        }
        out.append(buf, static_cast<std::size_t>(got));
        taken += static_cast<std::size_t>(got);
      }
    }
    if (rc > 0) return ReadStatus::data;
    if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)) {
      error = "connection closed by the broker";
      return ReadStatus::closed;
    }
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
      error = tls::openssl_reason();
      return ReadStatus::error;
    }
    const auto waited =
        detail::wait_for(fd_, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, interrupt, deadline);
    if (waited != Wait::ready) return detail::read_status_of<ReadStatus>(waited, error);
  }
}

}  // namespace artemis::client
