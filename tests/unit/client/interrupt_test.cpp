// client::Interrupt: another thread cuts short a TCP connect, a STOMP handshake, a held link
// and a wait between retries.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "client/interrupt.hpp"
#include "client/socket.hpp"
#include "client/stomp_link.hpp"
#include "support/fake_stomp_peer.hpp"

using namespace artemis;
using namespace artemis::client;
using artemis::test_support::FakeStompPeer;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// A listener whose accept queue is full, so a further connect hangs in SYN-SENT (Linux drops
// SYNs to a full queue) until its timeout.
class FullListener {
 public:
  FullListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)!::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    (void)!::listen(fd_, 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    for (int i = 0; i < 8; ++i) {
      const int c = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      (void)!::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
      fillers_.push_back(c);
    }
    // The queue is full once the first filler's handshake completes (it turns writable).
    pollfd first{fillers_.front(), POLLOUT, 0};
    (void)::poll(&first, 1, 5000);
  }
  ~FullListener() {
    for (const int c : fillers_) ::close(c);
    ::close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::vector<int> fillers_;
};

// Triggers `interrupt` after `delay` on a helper thread.
std::thread trigger_after(const std::shared_ptr<Interrupt>& interrupt,
                          std::chrono::milliseconds delay) {
  return std::thread([interrupt, delay] {
    std::this_thread::sleep_for(delay);
    interrupt->trigger();
  });
}

}  // namespace

TEST_CASE("client: an interrupt ends waits at once and stays triggered") {
  Interrupt interrupt;
  CHECK_FALSE(interrupt.triggered());
  auto t0 = Clock::now();
  CHECK_FALSE(interrupt.wait_for(50ms));
  CHECK(Clock::now() - t0 >= 50ms);

  std::thread other([&] {
    std::this_thread::sleep_for(50ms);
    interrupt.trigger();
  });
  t0 = Clock::now();
  CHECK(interrupt.wait_for(10s));
  CHECK(Clock::now() - t0 < 2s);
  other.join();
  CHECK(interrupt.triggered());
  CHECK(interrupt.wait_for(10s));  // every later wait ends too
  interrupt.trigger();             // idempotent
  CHECK(interrupt.triggered());
}

TEST_CASE("client: an interrupt ends a TCP connect that hangs") {
  FullListener listener;
  auto interrupt = std::make_shared<Interrupt>();
  auto other = trigger_after(interrupt, 100ms);
  Socket socket;
  std::string error;
  const auto t0 = Clock::now();
  CHECK_FALSE(socket.connect("127.0.0.1", listener.port(), 10s, error, interrupt.get()));
  CHECK(Clock::now() - t0 < 5s);
  CHECK(error.find("interrupted") != std::string::npos);
  other.join();
}

TEST_CASE("client: an interrupt ends a STOMP handshake the server never answers") {
  FakeStompPeer peer([](const stomp::Frame&, FakeStompPeer::Conn&) {});
  auto interrupt = std::make_shared<Interrupt>();
  LinkOptions options;
  options.connect_timeout = 10s;
  options.interrupt = interrupt;
  auto other = trigger_after(interrupt, 100ms);
  const auto t0 = Clock::now();
  try {
    StompLink::open(Server{"127.0.0.1", peer.port()}, options);
    FAIL("open() succeeded");
  } catch (const ClientError& e) {
    CHECK(e.kind() == ErrorKind::connect_failed);
    CHECK(std::string(e.what()).find("interrupted") != std::string::npos);
  }
  CHECK(Clock::now() - t0 < 5s);
  other.join();
}

TEST_CASE("client: hold() keeps a link until interrupted; receive() then returns nothing") {
  FakeStompPeer peer(FakeStompPeer::accepting());
  auto interrupt = std::make_shared<Interrupt>();
  LinkOptions options;
  options.interrupt = interrupt;
  auto link = StompLink::open(Server{"127.0.0.1", peer.port()}, options);
  auto other = trigger_after(interrupt, 200ms);
  const auto t0 = Clock::now();
  link->hold();
  CHECK(interrupt->triggered());  // only the interrupt ends a healthy hold
  CHECK(Clock::now() - t0 < 5s);
  other.join();
  CHECK_FALSE(link->receive(Clock::now() + 10s).has_value());
  CHECK(Clock::now() - t0 < 5s);
}

TEST_CASE("client: an interrupt triggered before open() stops it from connecting") {
  FullListener listener;
  auto interrupt = std::make_shared<Interrupt>();
  interrupt->trigger();
  LinkOptions options;
  options.connect_timeout = 10s;
  options.interrupt = interrupt;
  const auto t0 = Clock::now();
  CHECK_THROWS_AS(StompLink::open(Server{"127.0.0.1", listener.port()}, options), ClientError);
  CHECK(Clock::now() - t0 < 5s);
}
