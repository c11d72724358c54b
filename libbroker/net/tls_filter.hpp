#pragma once
// TlsFilter: the server side of one TLS connection as a pure transform, OpenSSL over a BIO pair
// (fixed buffers: nothing grows or is cleared per record). The connection does its own socket
// I/O and passes bytes through: ciphertext read from the peer goes into feed() and comes out as
// plaintext; plaintext to send goes into encrypt(), which appends the records (after any
// handshake messages or alerts the peer is owed, which take_output() also hands over).
//
// Why not asio's ssl::stream: it encrypts at most one 8 KiB piece per SSL_write and sends each
// record with a socket write (and a trip through the reactor) of its own, and hands back one
// record per read. With the filter a busy connection encrypts everything queued and writes it
// in one syscall, and one read yields all the records it carried, as on a plain socket.
// Broker thread only.
#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

namespace artemis::net {

class TlsFilter {
 public:
  enum class Fed {
    ok,      // all bytes consumed; plaintext (maybe none) appended
    closed,  // the peer sent close_notify
    failed,  // handshake or record failure: error() says why
  };

  // `ctx` is referenced, not owned. A filter OpenSSL could not make is not usable(): error()
  // says why, and no other call may be made.
  explicit TlsFilter(SSL_CTX* ctx);
  ~TlsFilter();
  TlsFilter(const TlsFilter&) = delete;
  TlsFilter& operator=(const TlsFilter&) = delete;

  // Ciphertext from the peer. Runs the handshake while it is not done; appends to `plain`
  // whatever application data the bytes completed.
  Fed feed(std::string_view cipher, std::string& plain);
  bool usable() const { return ssl_ != nullptr; }
  // verifyHost on the acceptor: a client certificate must name the client's own address (an
  // IP subjectAltName), as Artemis checks it against the connection's peer. False when `ip`
  // is not an address.
  bool expect_client_address(const std::string& ip);
  bool handshake_done() const { return handshake_done_; }

  // Appends to `out` what the peer is owed, then `plain` encrypted (after the handshake). False
  // on failure, with error().
  bool encrypt(std::string_view plain, std::string& out);
  // Moves the ciphertext waiting to go to the peer onto the end of `out`.
  void take_output(std::string& out);
  bool has_output() const;

  const std::string& error() const { return error_; }
  const char* version() const { return ssl_ != nullptr ? SSL_get_version(ssl_) : "none"; }
  // The peer certificate's subject as an RFC 2253 string, empty without one.
  std::string peer_subject() const;
  // The host name the client asked for (SNI), empty when it sent none.
  std::string server_name() const;

 private:
  Fed fail(int rc);
  bool wants_io(int rc) const;  // WANT_READ / WANT_WRITE: more bytes to move, not an error
  void take_from_pair(std::string& out);

  static constexpr std::size_t kReadChunk = 16u << 10;  // a TLS record's plaintext at most
  // Each way, allocated per connection: room for one whole record (16 KiB and its overhead).
  static constexpr std::size_t kPairBytes = 20u << 10;

  SSL* ssl_ = nullptr;
  BIO* net_ = nullptr;  // our end of the pair: ciphertext in from the peer, out to it
  std::string held_;    // ciphertext taken from the pair while feeding, not yet handed over
  std::unique_ptr<char[]> scratch_;  // kReadChunk bytes, what SSL_read decrypts into
  bool handshake_done_ = false;
  std::string error_;
};

}  // namespace artemis::net
