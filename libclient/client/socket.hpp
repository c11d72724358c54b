#pragma once
// A blocking TCP socket with deadlines (poll-based). One reader thread at a time; writes are
// serialised by the owner (StompLink holds a write mutex because its heart-beat thread writes).
// connect() and read_some() also end early when an optional Interrupt fires.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace artemis::client {

class Interrupt;

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
  bool connect(const std::string& host, int port, std::chrono::milliseconds timeout,
               std::string& error, const Interrupt* interrupt = nullptr);
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
  int fd_ = -1;
};

}  // namespace artemis::client
