#pragma once
// A tiny scripted STOMP server for client tests: listens on 127.0.0.1 (ephemeral port),
// accepts connections one after another on its own thread, decodes frames with our codec and
// lets the test decide the answers. Not a broker: it stores nothing unless the test does.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "stomp/codec.hpp"

namespace artemis::test {

class FakeBroker {
 public:
  // What the handler may do with the current connection.
  struct Conn {
    int fd;
    bool close_now = false;
    void reply(const stomp::Frame& f) {
      const auto bytes = stomp::encode(f, stomp::Version::v1_2);
      (void)!::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    }
  };
  using Handler = std::function<void(const stomp::Frame&, Conn&)>;

  explicit FakeBroker(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    (void)!::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    (void)!::listen(listen_fd_, 8);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~FakeBroker() { stop(); }

  // Stops accepting and closes the listening socket: later connects are refused.
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
  }
  int port() const { return port_; }
  std::vector<stomp::Frame> frames() const {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  int connections() const { return connections_; }
  int heartbeats() const { return heartbeats_; }

  // Standard CONNECTED answer with optional extra headers.
  static stomp::Frame connected(std::vector<std::pair<std::string, std::string>> extra = {}) {
    stomp::Frame f;
    f.command = "CONNECTED";
    f.add("version", "1.2");
    f.add("heart-beat", "0,0");
    for (auto& [k, v] : extra) f.add(k, v);
    return f;
  }
  static stomp::Frame receipt_for(const stomp::Frame& f) {
    stomp::Frame r;
    r.command = "RECEIPT";
    r.add("receipt-id", f.header_or("receipt", ""));
    return r;
  }

 private:
  void run() {
    while (!stopping_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) != 1) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      ++connections_;
      serve(fd);
      ::close(fd);
    }
  }

  void serve(int fd) {
    stomp::Decoder decoder;
    Conn conn{fd};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!stopping_ && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) != 1) continue;
      char buf[4096];
      const auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      decoder.feed(std::string_view(buf, static_cast<std::size_t>(n)));
      for (;;) {
        stomp::Frame f;
        const auto st = decoder.next(f);
        if (st == stomp::Decoder::Status::heartbeat) {
          ++heartbeats_;
          continue;
        }
        if (st != stomp::Decoder::Status::frame) break;
        {
          std::lock_guard lock(mutex_);
          frames_.push_back(f);
        }
        if (f.command == "DISCONNECT") {
          conn.reply(receipt_for(f));
          return;
        }
        handler_(f, conn);
        if (conn.close_now) return;
      }
    }
  }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> heartbeats_{0};
  mutable std::mutex mutex_;
  std::vector<stomp::Frame> frames_;
  std::thread thread_;
};

}  // namespace artemis::test
