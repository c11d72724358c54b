#pragma once
// Services: what one activation builds on top of the network layer and tears down again — the
// broker core (store + post office) and the protocol modules that talk to it. The Broker gets
// them from a ServicesFactory, so it can activate, deactivate and activate again (HA failback)
// with fresh instances, and so its tests can run without a store. Broker thread only.
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "config/broker_config.hpp"
#include "management/management_service.hpp"
#include "net/protocol.hpp"
#include "security/security_manager.hpp"
#include "util/log.hpp"
#include "util/scheduler.hpp"

namespace artemis::server {

struct ServiceContext {
  const config::BrokerConfig& config;
  util::Scheduler& scheduler;
  const util::Logger& log;
  security::SecurityManager& security;
  std::string server_header;  // "ActiveMQ-Artemis/<version> <name>"
  // Extra headers a protocol sends on connect (the failover servers clients may move to).
  std::function<std::vector<std::pair<std::string, std::string>>()> connected_headers;
  // A peer announced itself as this node's backup; the returned function runs when its
  // connection closes.
  std::function<std::function<void()>(const std::string& node_id, const std::string& connector_url)>
      on_backup_announce;
  // The store hit a critical I/O error (store::StorageManager::on_critical_error): a journal
  // write or sync failed. Broker thread; the broker stops (Artemis's critical-IO-error policy).
  std::function<void(std::error_code)> on_critical_io_error;
  // What management reports about this node (id, role, uptime, disk, topology).
  std::function<management::NodeState()> node_state;
};

class Services {
 public:
  virtual ~Services() = default;
  // Loads the store and deploys broker.xml's addresses; blocks the broker thread for the load.
  // From then on a critical I/O error of the store reaches ctx.on_critical_io_error.
  virtual std::error_code start() = 0;
  // Flushes and closes the store. Connections are already closed.
  virtual void stop() = 0;
  virtual std::vector<net::ProtocolModule*> modules() = 0;
  // address-settings edited in broker.xml (configuration reload).
  virtual void apply_address_settings(const std::vector<config::AddressSetting>&) {}
  // The DiskMonitor's verdict: while full every producer is blocked, consumers keep draining.
  virtual void set_disk_full(bool) {}
  // Bytes of messages held in memory now (what global-max-size limits).
  virtual std::int64_t message_memory() { return 0; }
  // The management operations and the post office they act on; null before start() (and in
  // tests without a core).
  virtual management::ManagementService* management() { return nullptr; }
  virtual core::PostOffice* post_office() { return nullptr; }
  // Journal compactions so far (the MemoryTrimmer trims after each).
  virtual std::int64_t journal_compactions() { return 0; }
};

struct ServicesFactory {
  // (Artemis module name, protocol) for each module make() provides, logged as AMQ221043.
  std::vector<std::pair<std::string, std::string>> protocols;
  std::function<std::unique_ptr<Services>(ServiceContext&)> make;
};

// The broker's real services: core::BrokerCore and the STOMP module.
ServicesFactory core_services();

}  // namespace artemis::server
