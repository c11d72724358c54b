#include "server/broker.hpp"

#include <asio/connect.hpp>
#include <doctest/doctest.h>

#include "unit_broker_config.hpp"

#include "support/log_capture.hpp"
#include "support/temp_dir.hpp"

using namespace artemis;
using namespace std::chrono_literals;

namespace {

// Counts its activations; speaks no protocol.
struct FakeServices final : server::Services {
  explicit FakeServices(int& starts, int& stops) : starts_(starts), stops_(stops) {}
  std::error_code start() override {
    ++starts_;
    return {};
  }
  void stop() override { ++stops_; }
  std::vector<net::ProtocolModule*> modules() override { return {}; }
  int& starts_;
  int& stops_;
};

struct Fixture {
  test_support::TempDir dir{"broker-test"};
  test_support::LogCapture log{util::Level::info};
  int starts = 0, stops = 0;

  config::BrokerConfig config(int port) {
    return testing::unit_broker_config(dir.path(), port, {"CORE", "STOMP"});
  }
  server::ServicesFactory factory() {
    return {{{"test-module", "TEST"}}, [this](server::ServiceContext&) {
              return std::unique_ptr<server::Services>(new FakeServices(starts, stops));
            }};
  }
};

bool pump(server::Broker& b, const std::function<bool()>& cond) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!cond() && std::chrono::steady_clock::now() < deadline) {
    b.io().run_for(10ms);
    if (b.io().stopped()) break;
  }
  return cond();
}

}  // namespace

TEST_CASE("server: a broker activates, serves its acceptors and stops with the Artemis lines") {
  Fixture f;
  server::Broker broker(f.config(0), f.dir.path(), f.factory(), f.log.logger());
  REQUIRE_MESSAGE(broker.start(), broker.error());
  REQUIRE(pump(broker, [&] { return broker.is_active(); }));
  CHECK(f.starts == 1);
  REQUIRE(broker.acceptor_ports().size() == 1);
  // The acceptor really listens.
  asio::io_context client_io;
  asio::ip::tcp::socket s(client_io);
  s.connect({asio::ip::make_address("127.0.0.1"),
             static_cast<unsigned short>(broker.acceptor_ports()[0])});
  broker.request_stop();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!broker.io().stopped() && std::chrono::steady_clock::now() < deadline)
    broker.io().run_for(10ms);
  CHECK(broker.io().stopped());
  CHECK_FALSE(broker.is_active());
  CHECK(f.stops == 1);
  const auto log = f.log.text();
  std::size_t at = 0;
  for (const char* line : {"AMQ101000: Starting ActiveMQ Artemis Server version",
                           "AMQ221000: Primary Message Broker is starting with configuration "
                           "Broker Configuration (clustered=false,journalDirectory=",
                           "AMQ221013: Using NIO Journal",
                           "AMQ221043: Protocol module found: [test-module]. Adding protocol "
                           "support for: TEST",
                           "AMQ221020: Started EPOLL Acceptor at 127.0.0.1:",
                           "for protocols [CORE,STOMP]", "AMQ221007: Server is now active",
                           "AMQ221001: Apache ActiveMQ Artemis Message Broker version",
                           "AMQ221002: Apache ActiveMQ Artemis Message Broker version"}) {
    INFO(line);
    const auto pos = log.find(line, at);
    CHECK(pos != std::string::npos);
    if (pos != std::string::npos) at = pos;
  }
  CHECK(log.find("[unit, nodeID=") != std::string::npos);
  CHECK(log.find("seconds") != std::string::npos);
}

TEST_CASE("server: a port in use fails the activation with a clear error") {
  Fixture f;
  asio::io_context io;
  asio::ip::tcp::acceptor taken(io, {asio::ip::make_address("127.0.0.1"), 0});
  server::Broker broker(f.config(taken.local_endpoint().port()), f.dir.path(), f.factory(),
                        f.log.logger());
  REQUIRE(broker.start());
  const int rc = broker.run();  // returns: the activation fails and stops
  CHECK(rc == 1);
  CHECK(broker.error().find("port in use") != std::string::npos);
  CHECK(f.stops == 1);  // the store opened for the activation was closed again
}

TEST_CASE("server: deactivate and activate again (the seam HA failback uses)") {
  Fixture f;
  server::Broker broker(f.config(0), f.dir.path(), f.factory(), f.log.logger());
  REQUIRE(broker.start());
  REQUIRE(pump(broker, [&] { return broker.is_active(); }));
  broker.deactivate();
  CHECK_FALSE(broker.is_active());
  CHECK(broker.acceptor_ports().empty());
  REQUIRE(broker.activate());
  CHECK(broker.is_active());
  CHECK(f.starts == 2);
  broker.request_stop();
  CHECK(broker.run() == 0);
}
