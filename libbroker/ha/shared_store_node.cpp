#include "ha/shared_store_node.hpp"

namespace artemis::ha {

SharedStoreNode::SharedStoreNode(const config::BrokerConfig& config, util::Scheduler& broker,
                                 const util::Logger& log, BrokerHooks hooks)
    : SharedStoreNode(config, ActivationOptions::from(config), broker, log, std::move(hooks)) {}

SharedStoreNode::SharedStoreNode(const config::BrokerConfig& config, ActivationOptions options,
                                 util::Scheduler& broker, const util::Logger& log,
                                 BrokerHooks hooks)
    : config_(config), log_(log), hooks_(std::move(hooks)) {
  ActivationHooks h;
  h.activate = hooks_.activate;
  h.deactivate = hooks_.deactivate;
  h.on_stopped = hooks_.on_stopped;
  h.on_phase = [this](Phase p) { on_phase(p); };
  activation_ = std::make_unique<Activation>(std::move(options), broker, log, std::move(h));
}

SharedStoreNode::~SharedStoreNode() {
  activation_.reset();  // joins the activation thread; no hook runs after this
  stop_announcing();
}

void SharedStoreNode::start() { activation_->start(); }
void SharedStoreNode::stop() { activation_->stop(); }

std::string SharedStoreNode::node_id() const {
  auto id = activation_->node_id();
  return id ? id->to_string() : std::string();
}

std::function<std::vector<std::pair<std::string, std::string>>()>
SharedStoreNode::connected_headers() {
  return [this] { return topology_.connected_headers(); };
}

std::function<std::function<void()>(const std::string&, const std::string&)>
SharedStoreNode::backup_announce_handler() {
  return [this](const std::string& node_id, const std::string& url) {
    return topology_.announce_backup(node_id, url);
  };
}

void SharedStoreNode::on_phase(Phase phase) {
  switch (phase) {
    case Phase::passive_backup:
    case Phase::waiting_for_live:
      start_announcing();
      break;
    case Phase::activating:
      stop_announcing();
      topology_.set_node_id(node_id());
      break;
    case Phase::deactivating:
    case Phase::failed_back:
    case Phase::stopped:
      stop_announcing();
      break;
    case Phase::starting:
    case Phase::waiting_for_backup:
    case Phase::active:
      break;
  }
  if (hooks_.on_phase) hooks_.on_phase(phase);
}

void SharedStoreNode::start_announcing() {
  if (announcer_) return;
  cluster::AnnouncerOptions options;
  std::string error;
  if (!cluster::AnnouncerOptions::from(config_, node_id(), options, error)) {
    // Shared store works without a cluster connection; only clients and failback lose the
    // announcement. Say so once.
    log_.plain(util::Level::info, "org.apache.activemq.artemis.core.server",
               "not announcing this backup: {}", error);
    return;
  }
  announcer_ = std::make_unique<cluster::BackupAnnouncer>(std::move(options), log_);
  announcer_->start();
}

void SharedStoreNode::stop_announcing() {
  if (!announcer_) return;
  announcer_->stop();  // wakes the announcer thread at once and joins it
  announcer_.reset();
}

}  // namespace artemis::ha
