#pragma once
// AcceptorSet: the broker's <acceptor>s. Built and opened at each activation, closed (with every
// connection) at deactivation. Broker thread only.
#include <asio/io_context.hpp>

#include <memory>
#include <string>
#include <vector>

#include "config/broker_config.hpp"
#include "net/acceptor.hpp"
#include "util/log.hpp"

namespace artemis::server {

// Checks every acceptor's URL parameters before anything starts; "" when all are valid.
std::string validate_acceptors(const config::BrokerConfig& config);

class AcceptorSet {
 public:
  AcceptorSet(asio::io_context& io, const config::BrokerConfig& config, net::ConnectionIds& ids,
              const util::Logger& log);
  ~AcceptorSet();

  // Opens every tcp acceptor with the modules its protocols= list enables, logging AMQ221020
  // for each. On a failure ("port in use") closes what it opened and returns false.
  bool open(const std::vector<net::ProtocolModule*>& modules, std::string& error);
  // Stops listening and closes every connection (on_closed has run for each on return).
  void close(net::CloseReason reason);

  std::vector<int> ports() const;
  std::size_t connection_count() const;

 private:
  asio::io_context& io_;
  const config::BrokerConfig& config_;
  net::ConnectionIds& ids_;
  const util::Logger& log_;
  std::vector<std::unique_ptr<net::Acceptor>> acceptors_;
};

}  // namespace artemis::server
