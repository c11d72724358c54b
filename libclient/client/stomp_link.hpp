#pragma once
// One STOMP 1.2 connection to one server: TCP, the CONNECT/CONNECTED handshake, frame I/O and
// heart-beats. It knows nothing of sessions or failover; a broken link throws LinkLost and the
// owner (Session) decides whether to fail over.
//
// Threads: the owning session thread calls send()/receive(); a small heart-beat thread writes
// EOLs when the session has been quiet for the negotiated period. Writes share one mutex.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/errors.hpp"
#include "client/socket.hpp"
#include "client/url.hpp"
#include "stomp/codec.hpp"

namespace artemis::client {

// The link broke (EOF, I/O error, heart-beat silence). Failover-capable owners catch it.
class LinkLost : public ClientError {
 public:
  explicit LinkLost(const std::string& what) : ClientError(ErrorKind::connection_lost, what) {}
};

struct LinkOptions {
  std::string user;
  std::string password;
  std::string client_id;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds heartbeat_send{30000};     // cx we offer (0 = none)
  std::chrono::milliseconds heartbeat_receive{15000};  // cy we ask for (0 = none)
  std::size_t max_frame_size = 110 * 1024 * 1024;      // bounded decoder buffer
};

class StompLink {
 public:
  using Clock = std::chrono::steady_clock;

  // Connects and completes the STOMP handshake. Throws ClientError: connect_failed (TCP or
  // handshake), auth_failed (the broker refused the credentials), broker_error.
  static std::unique_ptr<StompLink> open(const Server& server, const LinkOptions& options);
  ~StompLink();
  StompLink(const StompLink&) = delete;
  StompLink& operator=(const StompLink&) = delete;

  void send(const stomp::Frame& frame);  // throws LinkLost
  // The next frame, or nullopt when `deadline` passes first. Throws LinkLost, or ClientError
  // (protocol_error) for undecodable bytes.
  std::optional<stomp::Frame> receive(Clock::time_point deadline);

  // DISCONNECT with a receipt, waiting at most `wait` for it; never throws.
  void close(std::chrono::milliseconds wait);

  const Server& server() const { return server_; }
  const stomp::Frame& connected() const { return connected_; }
  // Servers from the CONNECTED `failover-servers` header (the broker's HA backup).
  std::vector<Server> advertised_servers() const;

 private:
  StompLink(const Server& server, Socket socket);
  void handshake(const LinkOptions& options);
  void start_heartbeats(std::chrono::milliseconds send_period, std::chrono::milliseconds recv_period);
  void heartbeat_loop();
  void write(const std::string& bytes);  // under write_mutex_

  Server server_;
  Socket socket_;
  stomp::Decoder decoder_;
  stomp::Frame connected_;
  std::string read_buffer_;
  Clock::time_point last_read_;
  std::chrono::milliseconds silence_limit_{0};  // 0 = do not watch the broker's heart-beats

  std::mutex write_mutex_;             // guards socket writes and the fields below
  std::condition_variable wake_;
  bool stopping_ = false;
  bool broken_ = false;
  Clock::time_point last_write_;
  std::chrono::milliseconds send_period_{0};
  std::thread heartbeat_thread_;
};

}  // namespace artemis::client
