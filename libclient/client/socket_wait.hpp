#pragma once
// Waiting on a socket's descriptor with a deadline and an optional Interrupt: shared by the
// plain and the TLS paths of Socket (socket.cpp, socket_tls.cpp).
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

namespace artemis::client {

class Interrupt;

namespace detail {

enum class Wait { ready, timeout, interrupted, failed };

// Polls `fd` for `events` (POLLIN/POLLOUT) and, when given, the interrupt, until `deadline`;
// errno is left set on `failed`.
Wait wait_for(int fd, short events, const Interrupt* interrupt,
              std::chrono::steady_clock::time_point deadline);

// What a read that waited and got `w` (anything but ready) reports: timeout, interrupted or
// error, with `error` set to say why.
template <class ReadStatus>
ReadStatus read_status_of(Wait w, std::string& error) {
  if (w == Wait::timeout) return ReadStatus::timeout;
  if (w == Wait::interrupted) {
    error = "interrupted";
    return ReadStatus::interrupted;
  }
  error = std::strerror(errno);
  return ReadStatus::error;
}

}  // namespace detail
}  // namespace artemis::client
