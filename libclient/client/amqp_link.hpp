#pragma once
// One AMQP 1.0 connection to one server on Qpid Proton's connection driver over a blocking
// Socket: TCP, SASL (PLAIN with credentials, else ANONYMOUS), the open, one session, and the
// loop that moves bytes and hands Proton's events to the owner. It knows nothing of producers
// or failover; a broken connection throws LinkLost and the owner (AmqpSession) decides.
//
// One thread. A blocked open()/run_until() ends early when LinkOptions::interrupt fires.
#include <proton/connection_driver.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client/socket.hpp"
#include "client/stomp_link.hpp"
#include "client/url.hpp"

namespace artemis::client {

class AmqpLink {
 public:
  using Clock = std::chrono::steady_clock;

  // Connects, authenticates and opens the connection and a session. Throws ClientError:
  // connect_failed (TCP, protocol or an open refused), auth_failed (SASL outcome `auth`).
  static std::unique_ptr<AmqpLink> open(const Server& server, const LinkOptions& options,
                                        const std::string& container_id);
  ~AmqpLink();
  AmqpLink(const AmqpLink&) = delete;
  AmqpLink& operator=(const AmqpLink&) = delete;

  // Proton's events go to `handler` (endpoint and delivery events of the owner's links).
  void set_handler(std::function<void(pn_event_t*)> handler) { handler_ = std::move(handler); }
  // Handles events and moves bytes until `done()` holds (true) or `deadline` passes (false).
  // Throws LinkLost when the connection ends.
  bool run_until(const std::function<bool()>& done, Clock::time_point deadline);
  // Writes what Proton has to send, without waiting for anything; held (set_hold), only once
  // 64 KiB wait, else when run_until() next reads or release() is called.
  void flush();
  void set_hold(bool on) { hold_ = on; }
  void release();  // writes everything Proton has to send

  pn_session_t* session() const { return session_; }
  const Server& server() const { return server_; }
  // The backups the broker announced in its open (`failover-server-list`).
  std::vector<Server> advertised_servers() const;
  // Closes the connection, waiting up to `wait` for the broker's close. Never throws.
  void close(std::chrono::milliseconds wait);

 private:
  AmqpLink(const Server& server, const LinkOptions& options);
  [[noreturn]] void lost(const std::string& why);
  std::string condition_text() const;

  Server server_;
  LinkOptions options_;
  Socket socket_;
  pn_connection_driver_t driver_{};
  pn_session_t* session_ = nullptr;
  std::function<void(pn_event_t*)> handler_;
  std::string read_buffer_;
  std::string socket_error_;
  bool hold_ = false;
};

}  // namespace artemis::client
