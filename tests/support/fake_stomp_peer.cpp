#include "support/fake_stomp_peer.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace artemis::test_support {

void FakeStompPeer::Conn::reply(const stomp::Frame& frame) {
  // Before the bytes leave: whoever reads CONNECTED must already see the link as up.
  if (frame.command == "CONNECTED") linked_ = true;
  const std::string bytes = stomp::encode(frame, stomp::Version::v1_2);
  (void)!::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

FakeStompPeer::FakeStompPeer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(listen_fd_ >= 0);
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listen_fd_, 8) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  port_ = ntohs(addr.sin_port);
  int wake_fds[2];
  REQUIRE(::pipe2(wake_fds, O_CLOEXEC | O_NONBLOCK) == 0);
  wake_read_fd_ = wake_fds[0];
  wake_write_fd_ = wake_fds[1];
  thread_ = std::thread([this] { run(); });
}

FakeStompPeer::~FakeStompPeer() {
  stop();
  ::close(wake_read_fd_);
  ::close(wake_write_fd_);
}

FakeStompPeer::Handler FakeStompPeer::accepting(Headers connected_headers) {
  return [answer = connected(connected_headers)](const stomp::Frame& frame, Conn& conn) {
    if (frame.command == "CONNECT" || frame.command == "STOMP")
      conn.reply(answer);
    else if (frame.header("receipt"))
      conn.reply(receipt_for(frame));
  };
}

stomp::Frame FakeStompPeer::connected(const Headers& headers) {
  stomp::Frame f;
  f.command = "CONNECTED";
  f.add("version", "1.2");
  f.add("heart-beat", "0,0");
  for (const auto& [name, value] : headers) f.set(name, value);
  return f;
}

stomp::Frame FakeStompPeer::receipt_for(const stomp::Frame& request) {
  stomp::Frame r;
  r.command = "RECEIPT";
  r.add("receipt-id", request.header_or("receipt", ""));
  return r;
}

stomp::Frame FakeStompPeer::error(std::string message) {
  stomp::Frame e;
  e.command = "ERROR";
  e.add("message", std::move(message));
  return e;
}

void FakeStompPeer::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  wake();
  thread_.join();
  ::close(listen_fd_);
  listen_fd_ = -1;
}

void FakeStompPeer::drop_link() {
  dropping_ = true;
  wake();
}

std::vector<stomp::Frame> FakeStompPeer::frames() const {
  std::lock_guard lock(mutex_);
  return frames_;
}

std::size_t FakeStompPeer::received(std::string_view command) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(
      frames_.begin(), frames_.end(), [&](const stomp::Frame& f) { return f.command == command; }));
}

void FakeStompPeer::wake() {
  const char byte = 'w';
  (void)!::write(wake_write_fd_, &byte, 1);
}

void FakeStompPeer::drain_wakeups() {
  char buf[64];
  while (::read(wake_read_fd_, buf, sizeof buf) > 0) {
  }
}

void FakeStompPeer::run() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) <= 0) continue;
    if (fds[1].revents != 0) drain_wakeups();
    if (stopping_ || (fds[0].revents & POLLIN) == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    dropping_ = false;  // a drop asked for while no link was up has nothing to drop
    ++connections_;
    serve(fd);
    linked_ = false;
    ::close(fd);
  }
}

void FakeStompPeer::serve(int fd) {
  stomp::Decoder decoder;
  Conn conn(fd, linked_);
  char buf[4096];
  for (;;) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_read_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) <= 0) continue;
    if (fds[1].revents != 0) drain_wakeups();
    if (stopping_ || dropping_) return;
    if (fds[0].revents == 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    decoder.feed(std::string_view(buf, static_cast<std::size_t>(n)));
    for (;;) {
      stomp::Frame frame;
      const auto status = decoder.next(frame);
      if (status == stomp::Decoder::Status::heartbeat) {
        ++heartbeats_;
        continue;
      }
      if (status == stomp::Decoder::Status::error) return;  // nothing after it can be decoded
      if (status != stomp::Decoder::Status::frame) break;
      {
        std::lock_guard lock(mutex_);
        frames_.push_back(frame);
      }
      if (frame.command == "DISCONNECT") {
        conn.reply(receipt_for(frame));
        return;
      }
      handler_(frame, conn);
      if (conn.closing_) return;
    }
  }
}

}  // namespace artemis::test_support
