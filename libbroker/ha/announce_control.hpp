#pragma once
// AnnounceControl: runs the cluster::BackupAnnouncer exactly while this node should announce
// itself as a backup: when it is a passive backup, or a primary waiting for an active backup to
// hand the journal back (reference/ha.md §3.1 step 3, §3.2 step 3). Feed it every Phase.
//
//   Broker::on_phase(phase) { announce_.on_phase(phase, node_id_text()); ... }
//
// Thread: broker thread (where on_phase hooks run). Stopping triggers the announcer's
// client::Interrupt and joins its thread: bounded, it never waits on the network.
#include <memory>
#include <string>

#include "cluster/backup_announcer.hpp"
#include "config/broker_config.hpp"
#include "ha/activation.hpp"
#include "util/log.hpp"

namespace artemis::ha {

class AnnounceControl {
 public:
  AnnounceControl(const config::BrokerConfig& config, const util::Logger& log)
      : config_(config), log_(log) {}
  AnnounceControl(const AnnounceControl&) = delete;
  AnnounceControl& operator=(const AnnounceControl&) = delete;
  ~AnnounceControl() { stop(); }

  void on_phase(Phase phase, const std::string& node_id);
  void stop();
  bool announcing() const { return announcer_ != nullptr; }
  const cluster::BackupAnnouncer* announcer() const { return announcer_.get(); }

 private:
  void start(const std::string& node_id);

  const config::BrokerConfig& config_;
  const util::Logger& log_;
  std::unique_ptr<cluster::BackupAnnouncer> announcer_;
  bool explained_ = false;  // "not announcing: why" logged once
};

}  // namespace artemis::ha
