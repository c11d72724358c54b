#pragma once
// BrokerCore: the facade the server composes. It owns the store (journal-backed when
// persistence is enabled), the PostOffice (addresses, queues, routing) and everything behind
// it. Broker thread only.
#include <memory>
#include <system_error>

#include "config/broker_config.hpp"
#include "util/log.hpp"
#include "util/scheduler.hpp"

namespace artemis::core {

class PostOffice;
}  // namespace artemis::core
namespace artemis::store {
class StorageManager;
}
namespace artemis::core {

class BrokerCore {
 public:
  BrokerCore(const config::BrokerConfig& config, util::Scheduler& scheduler,
             const util::Logger& log);
  ~BrokerCore();
  BrokerCore(const BrokerCore&) = delete;
  BrokerCore& operator=(const BrokerCore&) = delete;

  // Opens the journals, replays them, deploys the addresses and queues of broker.xml
  // (AMQ221080 / AMQ221003). Blocks the calling thread for the load: it runs during activation,
  // before acceptors open.
  std::error_code start();
  // Flushes and closes the journals. Consumers must already be gone (sessions closed).
  void stop();

  // Valid between a successful start() and the destructor.
  PostOffice& post_office();
  store::StorageManager& storage();
  const config::BrokerConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace artemis::core
