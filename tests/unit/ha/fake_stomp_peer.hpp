#pragma once
// A small STOMP listener on 127.0.0.1 for tests: records the frames it gets and answers the
// first with CONNECTED (heart-beat 50,50) or ERROR.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "stomp/codec.hpp"

namespace artemis::ha::test {

// Accepts connections one at a time; answers the first frame with `reply` (CONNECTED or
// ERROR), then holds the link until told to drop it or the peer closes.
class FakeStompPeer {
 public:
  enum class Reply { connected, error };
  explicit FakeStompPeer(Reply reply) : reply_(reply) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, 8);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~FakeStompPeer() {
    done_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }
  std::vector<stomp::Frame> frames() {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  std::size_t heartbeats() const { return heartbeats_.load(); }
  bool linked() const { return linked_.load(); }
  void drop_link() { drop_ = true; }
  void set_reply(Reply r) { reply_ = r; }

 private:
  void run() {
    while (!done_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      serve(fd);
      ::close(fd);
      linked_ = false;
    }
  }
  void serve(int fd) {
    stomp::Decoder decoder;
    char buf[4096];
    bool answered = false;
    while (!done_ && !drop_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      decoder.feed(std::string_view(buf, static_cast<std::size_t>(n)));
      stomp::Frame f;
      for (;;) {
        auto st = decoder.next(f);
        if (st == stomp::Decoder::Status::need_more || st == stomp::Decoder::Status::error) break;
        if (st == stomp::Decoder::Status::heartbeat) {
          ++heartbeats_;
          continue;
        }
        {
          std::lock_guard lock(mutex_);
          frames_.push_back(f);
        }
        if (answered) continue;
        answered = true;
        stomp::Frame r;
        if (reply_ == Reply::connected) {
          r.command = "CONNECTED";
          r.add("version", "1.2");
          r.add("heart-beat", "50,50");
          linked_ = true;
        } else {
          r.command = "ERROR";
          r.add("message", "Security Error: bad cluster credentials");
        }
        const std::string bytes = stomp::encode(r, stomp::Version::v1_2);
        ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (reply_ == Reply::error) return;
      }
    }
    drop_ = false;
  }

  std::atomic<Reply> reply_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> done_{false};
  std::atomic<bool> drop_{false};
  std::atomic<bool> linked_{false};
  std::atomic<std::size_t> heartbeats_{0};
  std::mutex mutex_;
  std::vector<stomp::Frame> frames_;
  std::thread thread_;
};

}  // namespace artemis::ha::test
