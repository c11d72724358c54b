#include "client/socket.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "client/interrupt.hpp"
#include "client/socket_wait.hpp"
#include "client/url.hpp"

namespace artemis::client {

Socket::~Socket() { close(); }

Socket::Socket(Socket&& o) noexcept : fd_(std::exchange(o.fd_, -1)), tls_(std::move(o.tls_)) {}

Socket& Socket::operator=(Socket&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = std::exchange(o.fd_, -1);
    tls_ = std::move(o.tls_);
  }
  return *this;
}

void Socket::close() {
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Socket::shutdown() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

namespace {

int remaining_ms(Socket::Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Socket::Clock::now());
  if (left.count() <= 0) return 0;
  return left.count() > 1000000 ? 1000000 : static_cast<int>(left.count());
}

}  // namespace

namespace detail {

Wait wait_for(int fd, short events, const Interrupt* interrupt,
              Socket::Clock::time_point deadline) {
  for (;;) {
    pollfd p[2] = {{fd, events, 0}, {interrupt ? interrupt->fd() : -1, POLLIN, 0}};
    const int rc = ::poll(p, 2, remaining_ms(deadline));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return Wait::failed;
    if (p[1].revents != 0) return Wait::interrupted;
    return rc == 0 ? Wait::timeout : Wait::ready;
  }
}

}  // namespace detail

using detail::Wait;
using detail::wait_for;

bool Socket::connect(const std::string& host, int port, std::chrono::milliseconds timeout,
                     std::string& error, const Interrupt* interrupt, const TlsOptions* tls) {
  const auto started = Clock::now();
  if (!connect_tcp(host, port, timeout, error, interrupt)) return false;
  if (tls == nullptr || !tls->enabled) return true;
  const auto left =
      timeout - std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  return start_tls(*tls, host, port, std::max(left, std::chrono::milliseconds(1)), error,
                   interrupt);
}

bool Socket::connect_tcp(const std::string& host, int port, std::chrono::milliseconds timeout,
                         std::string& error, const Interrupt* interrupt) {
  close();
  const auto where = host.find(':') != std::string::npos ? fmt::format("tcp://[{}]:{}", host, port)
                                                         : fmt::format("tcp://{}:{}", host, port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const auto port_text = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), port_text.c_str(), &hints, &res); rc != 0) {
    error = fmt::format("{}: cannot resolve host '{}': {}", where, host, ::gai_strerror(rc));
    return false;
  }
  const auto deadline = Clock::now() + timeout;
  error.clear();
  for (auto* ai = res; ai != nullptr; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    const int flags = ::fcntl(fd, F_GETFL, 0);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      const auto waited = wait_for(fd, POLLOUT, interrupt, deadline);
      if (waited == Wait::interrupted) {
        ::close(fd);
        ::freeaddrinfo(res);
        error = fmt::format("{}: interrupted", where);
        return false;
      }
      if (waited == Wait::ready) {
        int soerr = 0;
        socklen_t len = sizeof soerr;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
        rc = soerr == 0 ? 0 : -1;
        errno = soerr;
      } else {
        if (waited == Wait::timeout) errno = ETIMEDOUT;
        rc = -1;
      }
    }
    if (rc == 0) {
      ::fcntl(fd, F_SETFL, flags);  // back to blocking; reads use poll for deadlines
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      fd_ = fd;
      ::freeaddrinfo(res);
      return true;
    }
    error = fmt::format("{}: {}", where, std::strerror(errno));
    ::close(fd);
  }
  ::freeaddrinfo(res);
  if (error.empty()) error = fmt::format("{}: no usable address", where);
  return false;
}

bool Socket::write_all(std::string_view data, std::string& error) {
  if (tls_) return tls_write_all(data, error);
  while (!data.empty()) {
    if (fd_ < 0) {
      error = "socket closed";
      return false;
    }
    const auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = std::strerror(errno);
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

Socket::ReadStatus Socket::read_some(std::string& out, std::size_t cap, Clock::time_point deadline,
                                     std::string& error, const Interrupt* interrupt) {
  if (fd_ < 0) {
    error = "socket closed";
    return ReadStatus::error;
  }
  if (tls_) return tls_read_some(out, cap, deadline, error, interrupt);
  for (;;) {
    const auto waited = wait_for(fd_, POLLIN, interrupt, deadline);
    if (waited != Wait::ready) return detail::read_status_of<ReadStatus>(waited, error);
    char buf[16384];
    const auto want = cap < sizeof buf ? cap : sizeof buf;
    const auto n = ::recv(fd_, buf, want, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      error = std::strerror(errno);
      return ReadStatus::error;
    }
    if (n == 0) {
      error = "connection closed by the broker";
      return ReadStatus::closed;
    }
    out.append(buf, static_cast<std::size_t>(n));
    return ReadStatus::data;
  }
}

}  // namespace artemis::client
