#pragma once
// Connection: what every session of one client shares — the protocol, URL, credentials,
// client id and the servers learnt from the brokers (STOMP CONNECTED `failover-servers`, AMQP
// `failover-server-list`). It runs the attempts to open a link: the initial connect
// (initialConnectAttempts) and reconnects after a loss (reconnectAttempts, retryInterval,
// retryIntervalMultiplier, maxRetryInterval).
//
// Each Session owns its own link (one TCP connection): a session is used by one thread, so
// sessions never contend for a socket. Connection methods are thread-safe.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/stomp_link.hpp"
#include "client/url.hpp"

namespace artemis::client {

class Session;
enum class Transacted { no, yes };

enum class Protocol { stomp, amqp, mqtt };

struct ConnectionOptions {
  ClientUrl url;
  std::string user;       // overrides the URL's user=
  std::string password;   // overrides the URL's password=
  std::string client_id;  // overrides the URL's clientID=
  // Failover notices ("connection to X lost ...; reconnected to Y"). Called from session
  // threads, possibly concurrently; may be empty.
  std::function<void(const std::string&)> on_event;
  Protocol protocol = Protocol::stomp;
};

class Connection {
 public:
  explicit Connection(ConnectionOptions options);

  // Opens and closes one link so bad URLs, refused connections and bad credentials show up
  // before any work starts. Throws ClientError.
  void probe();
  std::unique_ptr<Session> create_session(Transacted transacted);

  const ClientUrl& url() const { return options_.url; }
  const std::string& client_id() const { return link_options_.client_id; }
  const LinkOptions& link_options() const { return link_options_; }

  // Used by sessions. `open` opens a link to one server (throwing ClientError when it cannot).
  // open_initial: the first link (throws connect_failed after initialConnectAttempts).
  // reconnect: after `lost` broke; throws connection_lost when the attempts are exhausted,
  // auth_failed at once. Both return the server `open` succeeded with.
  using Opener = std::function<void(const Server&)>;
  Server open_initial(const Opener& open);
  Server reconnect(const Server& lost, const std::string& reason, const Opener& open);
  // The same for a STOMP link.
  std::unique_ptr<StompLink> open_initial();
  std::unique_ptr<StompLink> reconnect(const Server& lost, const std::string& reason);
  void notify(const std::string& text) const;
  // Records servers a broker announced (for later reconnects).
  void learn(const std::vector<Server>& servers);

  // Servers to try, advertised backups first, without duplicates.
  std::vector<Server> candidates() const;

 private:
  std::optional<Server> try_all(const std::vector<Server>& servers, const Opener& open,
                                std::string& errors);

  ConnectionOptions options_;
  LinkOptions link_options_;
  mutable std::mutex mutex_;  // guards advertised_
  std::vector<Server> advertised_;
};

}  // namespace artemis::client
