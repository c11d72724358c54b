#pragma once
// A blocking TCP socket with deadlines (poll-based). One reader thread at a time; writes are
// serialised by the owner (StompLink holds a write mutex because its heart-beat thread writes).
// connect() and read_some() also end early when an optional Interrupt fires.
// With TLS (start_tls, OpenSSL) the descriptor turns non-blocking and every SSL call runs under
// one lock, so a reader and a writer may still use the socket from two threads.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace artemis::client {

class Interrupt;
struct TlsOptions;

// Writes a session holds (Session::hold_writes) go out once this much is held, even before
// the session next waits for the broker.
inline constexpr std::size_t kHeldWriteBytes = 64 * 1024;

class Socket {
 public:
  using Clock = std::chrono::steady_clock;

  Socket() = default;
  ~Socket();
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  Socket(Socket&& o) noexcept;
  Socket& operator=(Socket&& o) noexcept;

  // Connects to host:port within timeout. On failure returns false and sets `error` to
  // "tcp://host:port: Connection refused" ("...: interrupted" when `interrupt` fired).
  // With `tls` enabled the TLS handshake follows (start_tls), within the same timeout.
  bool connect(const std::string& host, int port, std::chrono::milliseconds timeout,
               std::string& error, const Interrupt* interrupt = nullptr,
               const TlsOptions* tls = nullptr);
  // After connect(): the TLS handshake, verifying the broker's certificate against `host` as
  // the options say. On failure returns false with `error` ("tcp://h:p: TLS handshake
  // failed: ..."); the socket is closed.
  bool start_tls(const TlsOptions& options, const std::string& host, int port,
                 std::chrono::milliseconds timeout, std::string& error,
                 const Interrupt* interrupt = nullptr);
  bool is_open() const { return fd_ >= 0; }
  void close();
  // Wakes a blocked reader and makes further I/O fail, without releasing the descriptor
  // (safe to call from another thread while a read is in progress).
  void shutdown();

  // Writes everything or returns false (error text in `error`).
  bool write_all(std::string_view data, std::string& error);

  enum class ReadStatus { data, timeout, closed, error, interrupted };
  // Reads what is available (at most `cap` bytes) into `out` (appended), waiting until `deadline`
  // or `interrupt`; a fired interrupt wins over pending data.
  ReadStatus read_some(std::string& out, std::size_t cap, Clock::time_point deadline,
                       std::string& error, const Interrupt* interrupt = nullptr);

 private:
  struct Tls;  // socket_tls.cpp
  bool connect_tcp(const std::string& host, int port, std::chrono::milliseconds timeout,
                   std::string& error, const Interrupt* interrupt);
  bool tls_write_all(std::string_view data, std::string& error);
  ReadStatus tls_read_some(std::string& out, std::size_t cap, Clock::time_point deadline,
                           std::string& error, const Interrupt* interrupt);
  struct TlsDeleter {
    void operator()(Tls* t) const;
  };
  int fd_ = -1;
  std::unique_ptr<Tls, TlsDeleter> tls_;
};

}  // namespace artemis::client
