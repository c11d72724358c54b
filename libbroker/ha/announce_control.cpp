#include "ha/announce_control.hpp"

namespace artemis::ha {

void AnnounceControl::on_phase(Phase phase, const std::string& node_id) {
  switch (phase) {
    case Phase::passive_backup:
    case Phase::waiting_for_live:
      start(node_id);
      break;
    case Phase::activating:
    case Phase::deactivating:
    case Phase::failed_back:
    case Phase::stopped:
      stop();
      break;
    case Phase::starting:
    case Phase::waiting_for_backup:
    case Phase::active:
      break;
  }
}

void AnnounceControl::start(const std::string& node_id) {
  if (announcer_) return;
  cluster::AnnouncerOptions options;
  std::string error;
  if (!cluster::AnnouncerOptions::from(config_, node_id, options, error)) {
    // Shared store works without a cluster connection; only clients (failover-servers) lose
    // the announcement. Say so once.
    if (!explained_)
      log_.plain(util::Level::info, "org.apache.activemq.artemis.core.server",
                 "not announcing this node as backup: {}", error);
    explained_ = true;
    return;
  }
  announcer_ = std::make_unique<cluster::BackupAnnouncer>(std::move(options), log_);
  announcer_->start();
}

void AnnounceControl::stop() {
  if (!announcer_) return;
  announcer_->stop();
  announcer_.reset();
}

}  // namespace artemis::ha
