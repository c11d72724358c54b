#pragma once
// FakeStompPeer: a scripted STOMP server on 127.0.0.1 (an ephemeral port) for tests of code
// that connects out over STOMP, such as the client library or the backup announcer. It serves
// one connection at a time on its own thread, records every frame and heart-beat it receives
// and lets a handler written by the test answer. DISCONNECT is always answered with its
// RECEIPT and ends the connection. It keeps nothing but what it received: it is not a broker.
#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "stomp/codec.hpp"

namespace artemis::test_support {

class FakeStompPeer {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // The connection being served, as the handler sees it.
  class Conn {
   public:
    void reply(const stomp::Frame& frame);
    // Ends the connection once the handler returns: a server dying or refusing.
    void close() { closing_ = true; }

   private:
    friend class FakeStompPeer;
    Conn(int fd, std::atomic<bool>& linked) : fd_(fd), linked_(linked) {}
    int fd_;
    std::atomic<bool>& linked_;
    bool closing_ = false;
  };
  // Runs on the peer's thread for every frame received (DISCONNECT excepted).
  using Handler = std::function<void(const stomp::Frame& frame, Conn& conn)>;

  explicit FakeStompPeer(Handler handler);
  ~FakeStompPeer();
  FakeStompPeer(const FakeStompPeer&) = delete;
  FakeStompPeer& operator=(const FakeStompPeer&) = delete;

  // A well-behaved server: CONNECT gets connected(connected_headers), any frame asking for a
  // receipt gets it.
  static Handler accepting(Headers connected_headers = {});
  // CONNECTED (version 1.2, heart-beat 0,0), each of `headers` replacing or adding one.
  static stomp::Frame connected(const Headers& headers = {});
  static stomp::Frame receipt_for(const stomp::Frame& request);
  static stomp::Frame error(std::string message);

  // Stops serving and closes the port: connecting afterwards is refused.
  void stop();
  // Ends the connection being served, as a peer going away would; the next one is accepted.
  void drop_link();

  int port() const { return port_; }
  // Everything received, over all connections, in order.
  std::vector<stomp::Frame> frames() const;
  std::size_t received(std::string_view command) const;
  std::size_t heartbeats() const { return heartbeats_.load(); }
  int connections() const { return connections_.load(); }
  // A connection is open and its CONNECT was answered with CONNECTED.
  bool linked() const { return linked_.load(); }

 private:
  void run();
  void serve(int fd);
  void wake();
  void drain_wakeups();

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_read_fd_ = -1;  // stop() and drop_link() write here to end a poll at once
  int wake_write_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> dropping_{false};
  std::atomic<bool> linked_{false};
  std::atomic<int> connections_{0};
  std::atomic<std::size_t> heartbeats_{0};
  mutable std::mutex mutex_;
  std::vector<stomp::Frame> frames_;
  std::thread thread_;  // last: started once everything it uses exists
};

}  // namespace artemis::test_support
