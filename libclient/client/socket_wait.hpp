#pragma once
// Waiting on a socket's descriptor with a deadline and an optional Interrupt: shared by the
// plain and the TLS paths of Socket (socket.cpp, socket_tls.cpp).
#include <chrono>

namespace artemis::client {

class Interrupt;

namespace detail {

enum class Wait { ready, timeout, interrupted, failed };

// Polls `fd` for `events` (POLLIN/POLLOUT) and, when given, the interrupt, until `deadline`;
// errno is left set on `failed`.
Wait wait_for(int fd, short events, const Interrupt* interrupt,
              std::chrono::steady_clock::time_point deadline);

}  // namespace detail
}  // namespace artemis::client
