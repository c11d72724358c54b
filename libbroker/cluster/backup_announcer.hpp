#pragma once
// BackupAnnouncer: a passive backup (or a restarted primary waiting in 'F') tells the active
// node "I am the backup of node X, reachable at URL" (reference/ha.md §3.2 step 3, §4.1).
//
// On its own thread it connects to the static connectors of its cluster-connection in turn,
// sends CONNECT with login/passcode = cluster-user/cluster-password and the headers
// cluster-node-id:<uuid> and cluster-backup-announce:<its own connector-ref URL>, and on
// CONNECTED logs AMQ221031 and keeps the connection open with heart-beats (the announcement
// lives as long as it does). A refused connection, an ERROR frame or a dropped link logs
// AMQ222137 and is retried after the cluster retry-interval (with its multiplier and cap).
//
// The link is a libclient StompLink (handshake, heart-beats, silence detection); this class
// only chooses the target, announces and backs off.
//
// Threads: one announcer thread making blocking client calls (and the link's heart-beat
// thread); start()/stop() from any thread. stop() fires a client::Interrupt, which ends a
// connect, a handshake, a retry wait or a held link at once, and joins the thread, so it never
// hangs.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "client/url.hpp"
#include "config/broker_config.hpp"
#include "util/log.hpp"

namespace artemis::client {
class Interrupt;
}

namespace artemis::cluster {

struct AnnounceTarget {
  std::string name;  // connector name, for logs
  std::string host;
  int port = 0;
  client::TlsOptions tls;  // the connector's sslEnabled and stores
};

struct AnnouncerOptions {
  std::vector<AnnounceTarget> targets;  // the cluster-connection's static connectors
  std::string cluster_name;             // for logs
  std::string login = "ACTIVEMQ.CLUSTER.ADMIN.USER";
  std::string passcode = "CHANGE ME!!";
  std::string node_id;                  // the shared node id we are the backup of
  std::string announce_url;             // our connector-ref URL, e.g. tcp://localhost:61617
  std::chrono::milliseconds retry_interval{500};
  double retry_multiplier = 1.0;
  std::chrono::milliseconds max_retry_interval{2000};
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds heartbeat{1000};  // what we offer and ask for on the link

  // From the first cluster-connection that has static connectors. Returns false (and why in
  // `error`) when there is nothing to announce to or our connector-ref is unknown.
  static bool from(const config::BrokerConfig& config, const std::string& node_id,
                   AnnouncerOptions& out, std::string& error);
};

class BackupAnnouncer {
 public:
  BackupAnnouncer(AnnouncerOptions options, const util::Logger& log);
  BackupAnnouncer(const BackupAnnouncer&) = delete;
  BackupAnnouncer& operator=(const BackupAnnouncer&) = delete;
  ~BackupAnnouncer();

  void start();  // idempotent; throws std::system_error when out of file descriptors
  void stop();   // idempotent; returns once the thread has ended and the link is closed

  bool announced() const { return announced_.load(); }   // a link is up right now
  std::uint64_t announcements() const { return count_.load(); }  // successful CONNECTs so far

 private:
  void run();
  // One connect-announce-hold cycle; returns an error text (empty when stopped).
  std::string announce_to(const AnnounceTarget& target);

  AnnouncerOptions options_;
  const util::Logger& log_;
  std::shared_ptr<client::Interrupt> stop_;  // fired by stop(); a fresh one per start()
  std::thread thread_;
  std::atomic<bool> announced_{false};
  std::atomic<std::uint64_t> count_{0};
};

}  // namespace artemis::cluster
