#pragma once
// SharedStoreNode: everything HA a broker needs, in one object the server composes.
//   - the Activation (primary or backup state machine on the lock files),
//   - the cluster::Topology of backups that announced themselves to this node (what STOMP
//     clients get in the CONNECTED header `failover-servers`),
//   - the cluster::BackupAnnouncer, run while this node is a passive backup or a primary waiting
//     for an active backup to give the journal back.
//
// Wiring (server::Broker, broker thread):
//   ha::SharedStoreNode ha(config, scheduler, log, {activate, deactivate, on_stopped});
//   stomp_context.connected_headers = ha.connected_headers();
//   stomp_context.on_backup_announce = ha.backup_announce_handler();
//   stomp_context.cluster_user/cluster_password = config.cluster_user/cluster_password;
//   ha.start();                  // after the broker is built, acceptors closed
//   ... on SIGINT/SIGTERM: ha.stop(); exit from on_stopped.
//
// Threads: construct, start, stop and the returned functions on the broker thread; hooks run
// on the broker thread (see activation.hpp). Destroy after on_stopped (or at exit).
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cluster/topology.hpp"
#include "config/broker_config.hpp"
#include "ha/activation.hpp"
#include "ha/announce_control.hpp"
#include "util/log.hpp"
#include "util/scheduler.hpp"

namespace artemis::ha {

struct BrokerHooks {
  std::function<void(std::function<void(bool ok)> done)> activate;  // see ActivationHooks
  std::function<void(std::function<void()> done)> deactivate;
  std::function<void(StopReason reason)> on_stopped;
  std::function<void(Phase phase)> on_phase;  // optional, after SharedStoreNode's own handling
};

class SharedStoreNode {
 public:
  SharedStoreNode(const config::BrokerConfig& config, util::Scheduler& broker,
                  const util::Logger& log, BrokerHooks hooks);
  // Same, with activation options adjusted (tests, benchmarks: poll intervals).
  SharedStoreNode(const config::BrokerConfig& config, ActivationOptions options,
                  util::Scheduler& broker, const util::Logger& log, BrokerHooks hooks);
  SharedStoreNode(const SharedStoreNode&) = delete;
  SharedStoreNode& operator=(const SharedStoreNode&) = delete;
  ~SharedStoreNode();

  void start();
  void stop();

  Activation& activation() { return *activation_; }
  cluster::Topology& topology() { return topology_; }
  // The shared node id (known once the lock files are open), "" before.
  std::string node_id() const;

  // For protocol::stomp::ModuleContext (broker thread).
  std::function<std::vector<std::pair<std::string, std::string>>()> connected_headers();
  std::function<std::function<void()>(const std::string& node_id, const std::string& url)>
  backup_announce_handler();

 private:
  void on_phase(Phase phase);  // broker thread

  BrokerHooks hooks_;
  cluster::Topology topology_;
  AnnounceControl announce_;
  std::unique_ptr<Activation> activation_;
};

}  // namespace artemis::ha
