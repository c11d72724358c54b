#pragma once
// A minimal broker.xml for Broker tests: data directories under `dir`, security off, one
// acceptor "artemis" on 127.0.0.1:`port` (0: any free port).
#include <filesystem>
#include <string>
#include <vector>

#include "config/broker_config.hpp"

namespace artemis::testing {

inline config::BrokerConfig unit_broker_config(const std::filesystem::path& dir, int port,
                                               std::vector<std::string> protocols) {
  config::BrokerConfig c;
  c.name = "unit";
  c.security_enabled = false;
  c.journal_directory = dir / "journal";
  c.bindings_directory = dir / "bindings";
  c.paging_directory = dir / "paging";
  c.large_messages_directory = dir / "large";
  c.node_manager_lock_directory = c.journal_directory;
  config::TransportConfig a;
  a.name = "artemis";
  a.host = "127.0.0.1";
  a.port = port;
  a.protocols = std::move(protocols);
  c.acceptors.push_back(a);
  return c;
}

}  // namespace artemis::testing
