#include "ha/shared_store_node.hpp"

namespace artemis::ha {

SharedStoreNode::SharedStoreNode(const config::BrokerConfig& config, util::Scheduler& broker,
                                 const util::Logger& log, BrokerHooks hooks)
    : SharedStoreNode(config, ActivationOptions::from(config), broker, log, std::move(hooks)) {}

SharedStoreNode::SharedStoreNode(const config::BrokerConfig& config, ActivationOptions options,
                                 util::Scheduler& broker, const util::Logger& log,
                                 BrokerHooks hooks)
    : hooks_(std::move(hooks)), announce_(config, log) {
  ActivationHooks h;
  h.activate = hooks_.activate;
  h.deactivate = hooks_.deactivate;
  h.on_stopped = hooks_.on_stopped;
  h.on_phase = [this](Phase p) { on_phase(p); };
  activation_ = std::make_unique<Activation>(std::move(options), broker, log, std::move(h));
}

SharedStoreNode::~SharedStoreNode() {
  activation_.reset();  // joins the activation thread; no hook runs after this
  announce_.stop();
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
  if (!activation_) return;  // being destroyed
  announce_.on_phase(phase, node_id());
  if (phase == Phase::activating) topology_.set_node_id(node_id());
  if (hooks_.on_phase) hooks_.on_phase(phase);
}

}  // namespace artemis::ha
