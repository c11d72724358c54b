// The live node's lock monitor when the process is out of file descriptors (EMFILE), as a broker
// with more clients than its RLIMIT_NOFILE is: running out must never read as a lost lock,
// while a real loss must still stop the node. Regression: the monitor opened a fresh descriptor
// for every check, got EMFILE, took that for "nobody holds the live lock", logged AMQ222010 and
// stopped the broker, dropping every client.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <memory>

#include "ha/activation.hpp"
#include "ha/errors.hpp"
#include "ha/node_manager.hpp"
#include "support/descriptor_hog.hpp"
#include "support/log_capture.hpp"
#include "support/temp_dir.hpp"
#include "support/thread_scheduler.hpp"
#include "support/wait.hpp"

using namespace artemis;
using namespace artemis::ha;
using namespace artemis::test_support;
using namespace std::chrono_literals;

namespace {

constexpr auto kMonitorPeriod = 20ms;

// Compares codes by value and category address: no member call on a polymorphic object, so
// UBSan's vptr check (which on a type-cache miss probes memory through a pipe, impossible at
// EMFILE, and then reports a bogus "invalid vptr") has nothing to check while the table is full.
bool is(const std::error_code& ec, errc e) {
  return ec.value() == static_cast<int>(e) && &ec.category() == &ha_category();
}

// A primary whose hooks only record what happened.
struct MonitoredPrimary {
  ThreadScheduler broker;
  LogCapture log;
  std::atomic<bool> stopped{false};
  std::atomic<StopReason> reason{StopReason::io_error};
  std::unique_ptr<Activation> activation;

  explicit MonitoredPrimary(const TempDir& dir) {
    ActivationOptions o;
    o.lock_directory = dir.path();
    o.policy.role = config::HaRole::primary;
    o.policy.shared_store = true;
    o.broker_name = "test";
    o.state_poll = 10ms;
    o.monitor_period = kMonitorPeriod;
    ActivationHooks h;
    h.activate = [](std::function<void(bool)> done) { done(true); };
    h.deactivate = [](std::function<void()> done) { done(); };
    h.on_stopped = [this](StopReason r) {
      reason = r;
      stopped = true;
    };
    activation = std::make_unique<Activation>(o, broker, log.logger(), h);
  }
  ~MonitoredPrimary() {
    activation->stop();
    wait_until([&] { return stopped.load(); });
    activation.reset();
  }
};

}  // namespace

TEST_CASE("ha: out of descriptors, the monitor check still sees the live lock held") {
  TempDir dir;
  NodeManager nm(NodeManagerOptions{dir.path()});
  REQUIRE_FALSE(nm.start());
  REQUIRE_FALSE(nm.lock_live());
  // Results are kept in plain values and checked once the table has room again: a failing
  // CHECK reports through iostreams, which UBSan's vptr check cannot follow at EMFILE.
  bool full = false;
  int failed_checks = 0;
  int read_state_errno = 0;
  bool real_loss_seen = false;
  {
    DescriptorHog hog;
    full = DescriptorHog::table_full();
    for (int i = 0; i < 3; ++i) failed_checks += nm.check_live_ownership().value() != 0 ? 1 : 0;
    NodeState state{};
    read_state_errno = nm.read_state(state).value();
    // A real loss is still a loss while no descriptor can be had (unlink needs none).
    std::filesystem::remove(dir.path() / "serverlock.1");
    real_loss_seen = is(nm.check_live_ownership(), errc::lock_file_replaced);
  }
  REQUIRE(full);
  CHECK(failed_checks == 0);
  CHECK(read_state_errno == 0);
  CHECK(real_loss_seen);
}

TEST_CASE("ha: an active primary out of descriptors keeps serving; a later real loss stops it") {
  TempDir dir;
  MonitoredPrimary p(dir);
  p.activation->start();
  REQUIRE(wait_until([&] { return p.activation->phase() == Phase::active; }));
  bool full = false;
  bool stopped_at_emfile = false;
  {
    DescriptorHog hog;
    full = DescriptorHog::table_full();
    // 25 monitor periods at EMFILE: the node must not stop in any of them.
    stopped_at_emfile = wait_until([&] { return p.stopped.load(); }, kMonitorPeriod * 25);
  }
  REQUIRE(full);
  CHECK_FALSE(stopped_at_emfile);
  CHECK(p.activation->phase() == Phase::active);
  CHECK_FALSE(p.log.contains("AMQ222010"));
  // The monitor still runs: deleting the live lock file is noticed and stops the node.
  std::filesystem::remove(dir.path() / "serverlock.1");
  REQUIRE(wait_until([&] { return p.stopped.load(); }));
  CHECK(p.reason.load() == StopReason::lock_lost);
  CHECK(p.log.contains("AMQ222010"));
}
