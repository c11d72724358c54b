#include "server/broker.hpp"

#include <fmt/core.h>

#include "security/properties_security_manager.hpp"
#include "server/log_codes.hpp"

namespace artemis::server {

Broker::Broker(config::BrokerConfig config, std::filesystem::path etc_dir,
               ServicesFactory services, const util::Logger& log)
    : config_(std::move(config)),
      etc_dir_(std::move(etc_dir)),
      factory_(std::move(services)),
      log_(log) {}

Broker::~Broker() {
  web_.reset();
  // The activation thread first: it may still post hooks that touch the members below.
  ha_.reset();
  if (is_active()) deactivate();
}

bool Broker::start() {
  started_at_ = std::chrono::steady_clock::now();
  log_.log(log_codes::starting_server, ARTEMIS_VERSION);
  const bool backup = config_.ha_policy.role == config::HaRole::backup;
  log_.log(log_codes::broker_starting, backup ? "Backup" : "Primary",
           !config_.cluster_connections.empty(), config_.journal_directory.string(),
           config_.bindings_directory.string(), config_.large_messages_directory.string(),
           config_.paging_directory.string());
  if (config_.journal.type != config::JournalType::nio) log_.log(log_codes::aio_fallback);
  log_.log(log_codes::using_nio_journal);

  // Artemis creates the data directories at start; the node manager needs its lock directory.
  for (const auto* dir : {&config_.journal_directory, &config_.bindings_directory,
                          &config_.paging_directory, &config_.large_messages_directory,
                          &config_.node_manager_lock_directory}) {
    std::error_code ec;
    if (dir->empty()) continue;
    std::filesystem::create_directories(*dir, ec);
    if (ec) {
      error_ = fmt::format("cannot create the data directory {}: {}", dir->string(), ec.message());
      return false;
    }
  }
  if (error_ = validate_acceptors(config_); !error_.empty()) return false;
  security_ = security::PropertiesSecurityManager::load(etc_dir_, config_, log_, error_);
  if (!security_) return false;
  audit_ = std::make_unique<AuditSettings>(etc_dir_, config_.instance_dir, scheduler_, log_);
  security_->set_audit(&audit_->audit());
  for (const auto& [module, protocol] : factory_.protocols)
    log_.log(log_codes::protocol_module_found, module, protocol);

  work_.emplace(io_.get_executor());
  ha::BrokerHooks hooks;
  hooks.activate = [this](std::function<void(bool)> done) { done(activate()); };
  hooks.deactivate = [this](std::function<void()> done) {
    deactivate();
    done();
  };
  hooks.on_phase = [this](ha::Phase p) { on_phase(p); };
  hooks.on_stopped = [this](ha::StopReason r) { on_stopped(r); };
  ha_ = std::make_unique<ha::SharedStoreNode>(config_, scheduler_, log_, std::move(hooks));
  ha_->start();
  reloader_ = std::make_unique<ConfigReloader>(
      config_, scheduler_, log_,
      [this](const config::BrokerConfig& fresh, ConfigReloader::Changes changes) {
        apply_reloaded(fresh, changes);
      });
  reloader_->start();
  start_web();
  return true;
}

void Broker::apply_reloaded(const config::BrokerConfig& fresh, ConfigReloader::Changes changes) {
  // config_ too: a later activation (failback) starts from what broker.xml says now.
  if (changes.security_settings) {
    config_.security_settings = fresh.security_settings;
    security_->update_settings(fresh.security_settings);
  }
  if (changes.address_settings) {
    config_.address_settings = fresh.address_settings;
    if (services_) services_->apply_address_settings(config_.address_settings);
  }
}

int Broker::run() {
  io_.run();
  return exit_code_;
}

void Broker::request_stop() {
  scheduler_.post([this] {
    if (stopping_) return;
    stopping_ = true;
    if (ha_) {
      ha_->stop();  // deactivates through the hooks, then on_stopped
    } else {
      on_stopped(ha::StopReason::requested);
    }
  });
}

bool Broker::activate() {
  if (is_active()) return true;
  ServiceContext ctx{
      config_, scheduler_, log_, *security_,
      fmt::format("ActiveMQ-Artemis/{} {}", ARTEMIS_VERSION, config_.name),
      ha_->connected_headers(), ha_->backup_announce_handler(),
      // Posted: the stop destroys the store whose handler calls this.
      [this](std::error_code ec) { scheduler_.post([this, ec] { on_critical_io_error(ec); }); },
      [this] { return node_state(); }};
  auto services = factory_.make(ctx);
  if (auto ec = services->start()) {
    error_ = fmt::format("cannot load the store in {}: {}", config_.journal_directory.string(),
                         ec.message());
    services->stop();
    return false;
  }
  // Before the acceptors open: a broker started on a full disk blocks from the first frame.
  auto monitor = std::make_unique<DiskMonitor>(
      DiskMonitorOptions::from(config_), scheduler_, log_,
      [svc = services.get()](bool full) { svc->set_disk_full(full); });
  monitor->start();
  auto acceptors = std::make_unique<AcceptorSet>(io_, config_, connection_ids_, log_);
  if (!acceptors->open(services->modules(), error_)) {
    monitor.reset();
    services->stop();
    return false;
  }
  disk_monitor_ = std::move(monitor);
  trimmer_ = std::make_unique<MemoryTrimmer>(
      MemoryTrimmerOptions{}, scheduler_, [svc = services.get()] { return svc->message_memory(); },
      MemoryTrimmer::system_trim, [svc = services.get()] { return svc->journal_compactions(); });
  trimmer_->start();  // after the load: what it used goes back
  services_ = std::move(services);
  acceptors_ = std::move(acceptors);
  // A backup taking over is announced by the activation (AMQ221010).
  if (!activated_from_backup_) log_.log(log_codes::server_active);
  if (!announced_started_) {
    announced_started_ = true;
    log_.log(log_codes::server_started, ARTEMIS_VERSION, config_.name, node_id_text());
  }
  return true;
}

void Broker::deactivate() {
  if (!is_active()) return;
  disk_monitor_.reset();
  trimmer_.reset();
  // Connections first: sessions release consumers and transactions while the core still runs.
  acceptors_->close(net::CloseReason::server_shutdown);
  acceptors_.reset();
  web_sends_.clear();
  services_->stop();
  services_.reset();
}

void Broker::on_phase(ha::Phase phase) {
  if (phase == ha::Phase::passive_backup) activated_from_backup_ = true;
  if (phase == ha::Phase::waiting_for_live) activated_from_backup_ = false;
  if (phase_listener_) phase_listener_(phase);
}

void Broker::on_stopped(ha::StopReason reason) {
  if (is_active()) deactivate();
  if (reason != ha::StopReason::requested && reason != ha::StopReason::failed_back) {
    exit_code_ = 1;
    if (error_.empty()) error_ = fmt::format("the broker stopped: {}", ha::to_string(reason));
  }
  finish_stop(node_id_text());
}

void Broker::on_critical_io_error(std::error_code ec) {
  // Once per process: later failures (the other journal, later rounds) are the same event.
  if (critical_io_error_) return;
  critical_io_error_ = true;
  log_.log(log_codes::critical_io_error, fmt::format("message={}", ec.message()));
  exit_code_ = 1;
  error_ = fmt::format("Critical IO Error in the journal: {}", ec.message());
  if (stopping_) return;  // a stop is already under way; run() now returns 1 when it ends
  stopping_ = true;
  // What the activation does on a lost lock, without waiting for its thread: stop serving at
  // once, then let go of the live lock without writing a state. 'L' stays in server.lock, so
  // a waiting backup takes over as after a crash (Artemis stops with criticalIOError=true).
  // Destroying the activation abandons it: its thread releases the locks and posts nothing.
  const auto node_id = node_id_text();
  deactivate();
  ha_.reset();
  finish_stop(node_id);
}

void Broker::finish_stop(const std::string& node_id) {
  if (reloader_) reloader_->stop();
  const auto uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_);
  log_.log(log_codes::server_stopped, ARTEMIS_VERSION, node_id,
           fmt::format("{:.3f} seconds", uptime.count()));
  // Before the loop stops: a request in flight waits for the broker thread (bounded) and is
  // answered 503.
  web_.reset();
  work_.reset();
  io_.stop();  // handlers the activation may still have posted never run
}

std::string Broker::node_id_text() const {
  return ha_ ? ha_->node_id() : "";
}

std::vector<int> Broker::acceptor_ports() const {
  return acceptors_ ? acceptors_->ports() : std::vector<int>{};
}

std::optional<ha::Phase> Broker::phase() const {
  if (!ha_) return std::nullopt;
  return ha_->activation().phase();
}

}  // namespace artemis::server
