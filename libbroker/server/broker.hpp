#pragma once
// Broker: the composition root. config -> security -> (per activation) services (core + protocol
// modules) -> acceptors, with the HA activation deciding when to activate.
//
// Two lifecycles, kept apart so HA can drive the second:
//   process:    start() (AMQ101000, AMQ221000, journal and protocol lines, security, activation
//               thread), run() (the broker thread), request_stop() (AMQ221002, run() returns).
//   activation: activate() (store loaded, acceptors open, AMQ221007) and deactivate()
//               (connections and acceptors closed, store closed). The HA activation
//               (ha::SharedStoreNode) calls them through its hooks: at once for a primary (after taking the live lock in
//               server.lock, as Artemis does even without <ha-policy>), after failover for a
//               backup, and again after a failback with restart-backup.
// Threads: everything runs on the broker thread (the one in run()), except request_stop(),
// which any thread may call, and the activation's own thread inside ha::Activation.
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "config/bootstrap.hpp"
#include "config/broker_config.hpp"
#include "core/server_session.hpp"
#include "ha/activation.hpp"
#include "ha/shared_store_node.hpp"
#include "net/acceptor.hpp"
#include "net/asio_scheduler.hpp"
#include "security/properties_security_manager.hpp"
#include "server/acceptor_set.hpp"
#include "server/audit_settings.hpp"
#include "server/config_reload.hpp"
#include "server/disk_monitor.hpp"
#include "server/memory_trimmer.hpp"
#include "server/services.hpp"
#include "util/log.hpp"
#include "web/web_server.hpp"

namespace artemis::server {

class Broker {
 public:
  // etc_dir: where login.config and the users/roles files live (the directory of broker.xml).
  Broker(config::BrokerConfig config, std::filesystem::path etc_dir, ServicesFactory services,
         const util::Logger& log);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Process start, on the thread that will call run(). false: nothing was started; error()
  // says what and where (login.config:3: ..., broker.xml:40: acceptor ...).
  bool start();
  // The broker thread: returns once the broker stopped. 0 after a requested stop; 1 when the
  // activation failed (e.g. a port in use), the live lock was lost or a journal write or sync
  // failed (critical IO error); error() says why.
  int run();
  // Any thread, idempotent: deactivate if active, log AMQ221002, make run() return.
  void request_stop();

  // bootstrap.xml's <web> binding: served from start() until the process stops (the health
  // and metrics endpoints answer on a backup too). Call before start().
  void set_web(config::WebBinding binding) { web_binding_ = std::move(binding); }
  int web_port() const { return web_ ? web_->port() : 0; }

  // Activation seams (broker thread). activate() returns false with error() set and nothing
  // left open.
  bool activate();
  void deactivate();
  bool is_active() const { return services_ != nullptr; }

  const std::string& error() const { return error_; }
  asio::io_context& io() { return io_; }
  util::Scheduler& scheduler() { return scheduler_; }
  std::vector<int> acceptor_ports() const;  // open acceptors' bound ports
  std::optional<ha::Phase> phase() const;
  // Extra observer of HA phases (the cluster layer announces a passive backup from here).
  void set_phase_listener(std::function<void(ha::Phase)> fn) { phase_listener_ = std::move(fn); }

 private:
  void on_phase(ha::Phase phase);
  void on_stopped(ha::StopReason reason);
  // The store's critical I/O error (broker thread): AMQ222010 once, then stop as a lost live
  // lock does — connections, acceptors and store closed, the live lock released without a
  // state write (a shared-store backup takes over), run() returns 1.
  void on_critical_io_error(std::error_code ec);
  void apply_reloaded(const config::BrokerConfig& fresh, ConfigReloader::Changes changes);
  // The end of every stop: AMQ221002, then run() returns.
  void finish_stop(const std::string& node_id);
  std::string node_id_text() const;
  // What management reports about this node (broker_node_state.cpp).
  management::NodeState node_state() const;
  // The web endpoint (broker_web.cpp): started in start(), stopped with the process.
  void start_web();
  bool web_login(const std::string& user, const std::string& password);
  void web_api(const web::ApiCall& call, web::WebHooks::Reply reply);
  // sendMessage from the web API: the message is confirmed once durable, by this session.
  void web_send(const web::ApiCall& call, web::WebHooks::Reply reply);
  std::string web_metrics();

  config::BrokerConfig config_;
  std::filesystem::path etc_dir_;
  ServicesFactory factory_;
  const util::Logger& log_;

  asio::io_context io_;
  net::AsioScheduler scheduler_{io_};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  net::ConnectionIds connection_ids_;
  std::unique_ptr<security::PropertiesSecurityManager> security_;
  std::unique_ptr<AuditSettings> audit_;  // log/audit.log as etc/log4j2.properties asks
  // configuration-file-refresh-period: edited security-settings / address-settings apply live.
  std::unique_ptr<ConfigReloader> reloader_;
  std::unique_ptr<Services> services_;        // non-null while active
  std::unique_ptr<AcceptorSet> acceptors_;    // non-null while active
  std::unique_ptr<DiskMonitor> disk_monitor_;  // max-disk-usage; non-null while active
  std::unique_ptr<MemoryTrimmer> trimmer_;     // non-null while active
  // The HA node: activation state machine, backups announced to us, our own announcements.
  std::unique_ptr<ha::SharedStoreNode> ha_;
  std::function<void(ha::Phase)> phase_listener_;
  std::optional<config::WebBinding> web_binding_;
  std::unique_ptr<web::WebServer> web_;
  // The sessions of web sends waiting for the journal; dropped with the services.
  std::map<std::uint64_t, std::unique_ptr<core::ServerSession>> web_sends_;
  std::uint64_t next_web_send_ = 0;

  std::chrono::steady_clock::time_point started_at_;
  bool activated_from_backup_ = false;  // the current activation is a backup taking over
  bool announced_started_ = false;      // AMQ221001 logged
  bool stopping_ = false;
  bool critical_io_error_ = false;      // AMQ222010 logged; the process exits non-zero
  int exit_code_ = 0;
  std::string error_;
};

}  // namespace artemis::server
