#include "net/tls_filter.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <climits>

namespace artemis::net {
namespace {

// The reason of the queue's first error, as a person reads it ("wrong version number"), then
// the queue cleared so the next connection starts clean.
std::string reason_of_queue() {
  const unsigned long e = ERR_peek_error();
  ERR_clear_error();
  if (e == 0) return "connection broken";
  if (const char* reason = ERR_reason_error_string(e)) return reason;
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

}  // namespace

TlsFilter::TlsFilter(SSL_CTX* ctx)
    : ssl_(SSL_new(ctx)), scratch_(std::make_unique_for_overwrite<char[]>(kReadChunk)) {
  BIO* inner = nullptr;
  if (ssl_ == nullptr || BIO_new_bio_pair(&inner, kPairBytes, &net_, kPairBytes) != 1) {
    error_ = reason_of_queue();  // out of memory, in practice: the connection is refused
    SSL_free(ssl_);
    ssl_ = nullptr;
    return;
  }
  SSL_set_bio(ssl_, inner, inner);  // owned by ssl_ from here; net_ is ours
  SSL_set_accept_state(ssl_);
}

TlsFilter::~TlsFilter() {
  SSL_free(ssl_);
  BIO_free(net_);
}

TlsFilter::Fed TlsFilter::fail(int rc) {
  const int e = SSL_get_error(ssl_, rc);
  if (e == SSL_ERROR_ZERO_RETURN) return Fed::closed;
  error_ = reason_of_queue();
  // "certificate verify failed" alone does not say what was wrong with the client's one.
  if (const long v = SSL_get_verify_result(ssl_); !handshake_done_ && v != X509_V_OK)
    error_ += std::string(" (client certificate: ") + X509_verify_cert_error_string(v) + ")";
  return Fed::failed;
}

bool TlsFilter::expect_client_address(const std::string& ip) {
  return ssl_ != nullptr && X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), ip.c_str()) == 1;
}

bool TlsFilter::wants_io(int rc) const {
  const int e = SSL_get_error(ssl_, rc);
  return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

TlsFilter::Fed TlsFilter::feed(std::string_view cipher, std::string& plain) {
  // The pair holds kPairBytes each way: put in what fits, take out what that made, repeat.
  for (;;) {
    bool progress = false;
    if (!cipher.empty()) {
      const int chunk = static_cast<int>(std::min<std::size_t>(cipher.size(), INT_MAX));
      const int put = BIO_write(net_, cipher.data(), chunk);
      if (put > 0) {
        cipher.remove_prefix(static_cast<std::size_t>(put));
        progress = true;
      }
    }
    if (!handshake_done_) {
      const int rc = SSL_do_handshake(ssl_);
      if (rc == 1)
        handshake_done_ = true;
      else if (!wants_io(rc))
        return fail(rc);
    }
    while (handshake_done_) {
      // Into a scratch buffer, not a resized `plain`: records are often far smaller than the
      // most one can hold, and growing a string by that much would clear it each time.
      std::size_t got = 0;
      const int rc = SSL_read_ex(ssl_, scratch_.get(), kReadChunk, &got);
      if (rc != 1) {
        if (!wants_io(rc)) return fail(rc);
        break;
      }
      plain.append(scratch_.get(), got);
    }
    // What OpenSSL answered (handshake messages, alerts) waits here, so the pair never fills.
    if (BIO_ctrl_pending(net_) > 0) {
      take_from_pair(held_);
      progress = true;
    }
    if (cipher.empty()) return Fed::ok;
    if (!progress) {
      error_ = "TLS input not taken";  // cannot happen with a pair larger than a record
      return Fed::failed;
    }
  }
}

bool TlsFilter::encrypt(std::string_view plain, std::string& out) {
  take_output(out);  // anything held comes first
  while (!plain.empty()) {
    std::size_t put = 0;
    const int rc = SSL_write_ex(ssl_, plain.data(), plain.size(), &put);
    if (rc == 1) {
      plain.remove_prefix(put);
      continue;
    }
    // A full pair (WANT_WRITE): move the records out and go on; anything else is an error.
    if (!wants_io(rc) || BIO_ctrl_pending(net_) == 0) {
      error_ = reason_of_queue();
      return false;
    }
    take_from_pair(out);
  }
  take_from_pair(out);
  return true;
}

bool TlsFilter::has_output() const {
  return !held_.empty() || (net_ != nullptr && BIO_ctrl_pending(net_) > 0);
}

void TlsFilter::take_output(std::string& out) {
  if (!held_.empty()) {
    out += held_;
    held_.clear();
  }
  take_from_pair(out);
}

void TlsFilter::take_from_pair(std::string& out) {
  if (net_ == nullptr) return;
  const std::size_t n = BIO_ctrl_pending(net_);
  if (n == 0) return;
  const std::size_t at = out.size();
  out.resize(at + n);
  std::size_t got = 0;
  if (BIO_read_ex(net_, out.data() + at, n, &got) != 1) got = 0;
  out.resize(at + got);
}

std::string TlsFilter::server_name() const {
  if (ssl_ == nullptr) return {};
  const char* name = SSL_get_servername(ssl_, TLSEXT_NAMETYPE_host_name);
  return name != nullptr ? name : "";
}

std::string TlsFilter::peer_subject() const {
  if (ssl_ == nullptr) return {};
  X509* cert = SSL_get1_peer_certificate(ssl_);
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

}  // namespace artemis::net
