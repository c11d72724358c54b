// Broker's answer to a critical I/O error of the store: AMQ222010 once, connections and store
// closed, the live lock released with the state left 'L' (so a shared-store backup takes over,
// as after a crash), and run() returning 1.
#include <doctest/doctest.h>

#include "unit_broker_config.hpp"

#include "ha/node_manager.hpp"
#include "journal/errors.hpp"
#include "server/broker.hpp"
#include "support/log_capture.hpp"
#include "support/temp_dir.hpp"

using namespace artemis;
using namespace std::chrono_literals;

namespace {

// Keeps the store's critical-error callback so the test can fire it.
struct StoreStandIn final : server::Services {
  StoreStandIn(std::function<void(std::error_code)> report,
               std::function<void(std::error_code)>& out, int& stops)
      : report_(std::move(report)), out_(out), stops_(stops) {}
  std::error_code start() override {
    out_ = report_;
    return {};
  }
  void stop() override { ++stops_; }
  std::vector<net::ProtocolModule*> modules() override { return {}; }
  std::function<void(std::error_code)> report_;
  std::function<void(std::error_code)>& out_;
  int& stops_;
};

struct CriticalFixture {
  test_support::TempDir dir{"critical-io-test"};
  test_support::LogCapture log{util::Level::info};
  std::function<void(std::error_code)> report;  // what the store would call
  int stops = 0;

  config::BrokerConfig config() {
    return testing::unit_broker_config(dir.path(), 0, {"STOMP"});
  }
  server::ServicesFactory factory() {
    return {{{"test-module", "TEST"}}, [this](server::ServiceContext& ctx) {
              return std::unique_ptr<server::Services>(
                  new StoreStandIn(ctx.on_critical_io_error, report, stops));
            }};
  }
};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("server: a critical IO error logs AMQ222010 once, stops, leaves 'L' and exits 1") {
  CriticalFixture f;
  server::Broker broker(f.config(), f.dir.path(), f.factory(), f.log.logger());
  REQUIRE_MESSAGE(broker.start(), broker.error());
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (broker.phase() != ha::Phase::active && std::chrono::steady_clock::now() < deadline)
    broker.io().run_for(10ms);
  REQUIRE(broker.phase() == ha::Phase::active);  // serving, 'L' written
  REQUIRE(f.report);

  // Both journals may fail; the message journal's failure is reported, then the bindings'.
  f.report(artemis::journal::errc::disk_full);
  f.report(artemis::journal::errc::io_error);
  CHECK(broker.run() == 1);
  CHECK_FALSE(broker.is_active());
  CHECK(f.stops == 1);
  CHECK(broker.error().find("Critical IO Error") != std::string::npos);
  const auto text = f.log.text();
  CHECK(count(text, "AMQ222010") == 1);
  CHECK(text.find("AMQ222010: Critical IO Error, shutting down the server. message=journal disk "
                  "full") != std::string::npos);
  CHECK(text.find("AMQ221002") != std::string::npos);

  // The live lock is free and the state still says live: a backup would take over.
  ha::NodeManager other({f.config().journal_directory});
  REQUIRE_FALSE(other.start());
  ha::NodeState state{};
  REQUIRE_FALSE(other.read_state(state));
  CHECK(state == ha::NodeState::live);
  bool acquired = false;
  REQUIRE_FALSE(other.try_lock_live(acquired));
  CHECK(acquired);
  other.stop();
}

TEST_CASE("server: a critical IO error during a requested stop still exits 1") {
  CriticalFixture f;
  server::Broker broker(f.config(), f.dir.path(), f.factory(), f.log.logger());
  REQUIRE(broker.start());
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!broker.is_active() && std::chrono::steady_clock::now() < deadline)
    broker.io().run_for(10ms);
  REQUIRE(broker.is_active());
  broker.request_stop();
  f.report(artemis::journal::errc::io_error);  // e.g. the final flush failed
  CHECK(broker.run() == 1);
  CHECK(count(f.log.text(), "AMQ222010") == 1);
  CHECK(f.stops == 1);
}
