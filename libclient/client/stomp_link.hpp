#pragma once
// One STOMP 1.2 connection to one server: TCP, the CONNECT/CONNECTED handshake, frame I/O and
// heart-beats. It knows nothing of sessions or failover; a broken link throws LinkLost and the
// owner (Session) decides whether to fail over.
//
// Threads: the owning thread calls send()/receive()/hold(); a small heart-beat thread writes
// EOLs when the link has been quiet for the negotiated period. Writes share one mutex. Another
// thread cuts a blocked open()/receive()/hold() short through LinkOptions::interrupt.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "client/errors.hpp"
#include "client/interrupt.hpp"
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
  // Idle beats per negotiated send period. 2 leaves a beat delayed by scheduling half a period
  // of slack before a peer whose TTL is twice the period (Artemis's default) drops the link.
  int heartbeats_per_period = 1;
  std::size_t max_frame_size = 110 * 1024 * 1024;      // bounded decoder buffer
  // Sent after the standard CONNECT headers, e.g. a broker's own extensions; they cannot
  // override a standard one (STOMP keeps the first of a repeated header).
  std::vector<std::pair<std::string, std::string>> connect_headers;
  // When set and triggered, a blocked open() fails (connect_failed) and receive()/hold() return.
  std::shared_ptr<const Interrupt> interrupt;
  TlsOptions tls;  // sslEnabled and the stores: the connection is TLS from its first byte
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
  // Held, frames sent wait (up to 64 KiB) until the link reads, beats or release() is called.
  void set_hold(bool on);
  void release();  // writes the held frames now; throws LinkLost
  // The next frame, or nullopt when `deadline` passes or the interrupt fires first. Throws
  // LinkLost, or ClientError (protocol_error) for undecodable bytes.
  std::optional<stomp::Frame> receive(Clock::time_point deadline);
  // Keeps an idle link up (the heart-beat thread beats) until the interrupt fires, then
  // returns; without an interrupt only a failure ends it. Throws LinkLost when the link breaks
  // or falls silent, ClientError (broker_error) for an ERROR frame. Other frames are dropped.
  void hold();

  // How long the link may stay quiet before the heart-beat thread writes an EOL (0: it never
  // beats): the negotiated send period divided by LinkOptions::heartbeats_per_period.
  std::chrono::milliseconds beat_interval() const { return send_period_; }

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
  void write(const std::string& bytes);
  void write_locked(std::string_view bytes);  // under write_mutex_
  bool interrupted() const { return interrupt_ && interrupt_->triggered(); }

  Server server_;
  Socket socket_;
  std::shared_ptr<const Interrupt> interrupt_;
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
  bool hold_ = false;
  std::string held_;  // frames sent while hold_, not written yet
  std::chrono::milliseconds send_period_{0};
  std::thread heartbeat_thread_;
};

}  // namespace artemis::client
