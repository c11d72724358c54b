// TlsFilter against an OpenSSL client over memory BIOs: the handshake, bytes both ways however
// they are split, a close_notify, and input that is not TLS.
#include "net/tls_filter.hpp"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

using artemis::net::TlsFilter;

namespace {

// A server context with a fresh self-signed P-256 certificate.
SSL_CTX* server_context() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  X509* cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("server"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, key, EVP_sha256());
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX_use_certificate(ctx, cert);
  SSL_CTX_use_PrivateKey(ctx, key);
  X509_free(cert);
  EVP_PKEY_free(key);
  return ctx;
}

// The client end: an SSL over two memory BIOs, trusting anything.
struct Client {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = nullptr;
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  Client() {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    ssl = SSL_new(ctx);
    BIO_set_mem_eof_return(in, -1);
    SSL_set_bio(ssl, in, out);
    SSL_set_connect_state(ssl);
  }
  ~Client() {
    SSL_free(ssl);
    SSL_CTX_free(ctx);
  }
  std::string take() {
    std::string s;
    char* data = nullptr;
    const long n = BIO_get_mem_data(out, &data);
    if (n > 0) s.assign(data, static_cast<std::size_t>(n));
    (void)BIO_reset(out);
    return s;
  }
  void give(const std::string& bytes) {
    BIO_write(in, bytes.data(), static_cast<int>(bytes.size()));
  }
  std::string read_all() {
    std::string s;
    char buf[4096];
    std::size_t got = 0;
    while (SSL_read_ex(ssl, buf, sizeof buf, &got) == 1) s.append(buf, got);
    return s;
  }
};

// Runs the handshake to its end, moving bytes `step` at a time from the client to the server.
void handshake(Client& c, TlsFilter& server, std::size_t step) {
  std::string plain;
  for (int round = 0; round < 10 && !(server.handshake_done() && SSL_is_init_finished(c.ssl));
       ++round) {
    SSL_do_handshake(c.ssl);
    const std::string hello = c.take();
    for (std::size_t at = 0; at < hello.size(); at += step)
      REQUIRE(server.feed(std::string_view(hello).substr(at, step), plain) == TlsFilter::Fed::ok);
    std::string answer;
    server.take_output(answer);
    c.give(answer);
  }
  REQUIRE(server.handshake_done());
  REQUIRE(SSL_is_init_finished(c.ssl));
  CHECK(plain.empty());
}

}  // namespace

TEST_CASE("tls filter: a handshake, then bytes both ways however the records are split") {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(server_context(), SSL_CTX_free);
  for (const std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{1} << 20}) {
    CAPTURE(step);
    Client c;
    TlsFilter server(ctx.get());
    handshake(c, server, step);
    CHECK(std::string(server.version()).rfind("TLSv1.", 0) == 0);
    CHECK(server.peer_subject().empty());

    // The client writes 3,000 frames (more than the filter's BIO pair holds) in records of
    // their own; the server gets every byte.
    std::string sent;
    for (int i = 0; i < 3000; ++i) {
      const std::string frame = "SEND\ndestination:q\n\nbody " + std::to_string(i) + '\0';
      SSL_write(c.ssl, frame.data(), static_cast<int>(frame.size()));
      sent += frame;
    }
    const std::string wire = c.take();
    std::string got;
    for (std::size_t at = 0; at < wire.size(); at += step)
      REQUIRE(server.feed(std::string_view(wire).substr(at, step), got) == TlsFilter::Fed::ok);
    CHECK(got == sent);

    // The server encrypts 200 KiB in pieces; the client reads them back whole.
    std::string big;
    for (int i = 0; i < 200 * 1024; ++i) big += static_cast<char>('a' + i % 26);
    std::string records;
    REQUIRE(server.encrypt(std::string_view(big).substr(0, 1000), records));
    REQUIRE(server.encrypt(std::string_view(big).substr(1000), records));
    CHECK_FALSE(server.has_output());
    CHECK(records.size() > big.size());
    c.give(records);
    CHECK(c.read_all() == big);

    // close_notify ends the stream.
    SSL_shutdown(c.ssl);
    std::string after;
    CHECK(server.feed(c.take(), after) == TlsFilter::Fed::closed);
  }
}

TEST_CASE("tls filter: bytes that are not TLS fail the handshake with a reason") {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(server_context(), SSL_CTX_free);
  TlsFilter server(ctx.get());
  std::string plain;
  CHECK(server.feed("CONNECT\naccept-version:1.2\n\n", plain) == TlsFilter::Fed::failed);
  CHECK_FALSE(server.error().empty());
  CHECK_FALSE(server.handshake_done());
  CHECK(plain.empty());

  // The next connection's filter is not affected by the failure before it.
  Client c;
  TlsFilter next(ctx.get());
  handshake(c, next, 64);
}
