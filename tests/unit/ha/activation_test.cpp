// Activation state machines over real lock files: each Node is one broker (its own scheduler
// thread as broker thread, its own NodeManager descriptors, so OFD locks conflict as between
// processes). Crashes use a forked child holding the live lock.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "ha/activation.hpp"
#include "ha/node_manager.hpp"
#include "lock_wait_probe.hpp"
#include "primary_holding_live_lock.hpp"
#include "support/log_capture.hpp"
#include "support/temp_dir.hpp"
#include "support/thread_scheduler.hpp"
#include "support/wait.hpp"

using namespace artemis;
using namespace artemis::ha;
using namespace artemis::ha::test;
using namespace artemis::test_support;
using namespace std::chrono_literals;

namespace {

config::HaPolicyConfig policy(config::HaRole role) {
  config::HaPolicyConfig p;
  p.role = role;
  p.shared_store = true;
  return p;
}

struct Node {
  ThreadScheduler broker;
  LogCapture log;
  std::atomic<bool> serving{false};
  std::atomic<int> activations{0};
  std::atomic<int> deactivations{0};
  std::atomic<bool> stopped{false};
  std::atomic<StopReason> reason{StopReason::io_error};
  std::atomic<bool> hooks_on_broker_thread{true};
  // Optional, shared by the nodes of one test: how many serve now and the most that ever did.
  std::atomic<int>* serving_nodes = nullptr;
  std::atomic<int>* most_serving = nullptr;
  // A deactivation that calls done() this long after its hook, as closing connections and the
  // store can take on a loaded machine.
  std::chrono::milliseconds deactivation_takes{0};
  std::unique_ptr<Activation> activation;

  Node(const TempDir& dir, config::HaPolicyConfig p, LockWaitMode mode = LockWaitMode::blocking) {
    ActivationOptions o;
    o.lock_directory = dir.path();
    o.lock_wait = mode;
    o.lock_poll = std::chrono::milliseconds(50);
    o.policy = p;
    o.broker_name = "test";
    o.state_poll = std::chrono::milliseconds(10);
    o.monitor_period = std::chrono::milliseconds(50);
    ActivationHooks h;
    h.activate = [this](std::function<void(bool)> done) {
      if (!broker.on_thread()) hooks_on_broker_thread = false;
      serving = true;
      ++activations;
      if (serving_nodes != nullptr) {
        const int now = ++*serving_nodes;
        for (int most = most_serving->load(); now > most;)
          if (most_serving->compare_exchange_weak(most, now)) break;
      }
      done(true);
    };
    h.deactivate = [this](std::function<void()> done) {
      if (!broker.on_thread()) hooks_on_broker_thread = false;
      auto finish = [this, done] {
        serving = false;
        ++deactivations;
        if (serving_nodes != nullptr) --*serving_nodes;
        done();
      };
      if (deactivation_takes.count() > 0) {
        broker.schedule_after(deactivation_takes, finish);
      } else {
        finish();
      }
    };
    h.on_stopped = [this](StopReason r) {
      reason = r;
      stopped = true;
    };
    activation = std::make_unique<Activation>(o, broker, log.logger(), h);
  }
  // The normal order: stop, wait for on_stopped (the last post), then destroy.
  ~Node() {
    activation->stop();
    wait_until([&] { return stopped.load(); });
    activation.reset();
  }
  void start() { activation->start(); }
  bool reaches(Phase p, std::chrono::milliseconds t = 5000ms) {
    return wait_until([&] { return activation->phase() == p; }, t);
  }
  bool stop_and_wait() {
    activation->stop();
    return wait_until([&] { return stopped.load(); });
  }
};

NodeState state_of(const TempDir& dir) {
  NodeManager nm(NodeManagerOptions{dir.path()});
  NodeState s = NodeState::not_started;
  if (nm.start() || nm.read_state(s)) FAIL("cannot read the state");
  return s;
}

}  // namespace

TEST_CASE("ha: a primary alone activates and writes L after activation") {
  TempDir dir;
  Node p(dir, policy(config::HaRole::primary));
  p.start();
  REQUIRE(p.reaches(Phase::active));
  CHECK(p.serving);
  CHECK(state_of(dir) == NodeState::live);
  CHECK(p.log.contains("AMQ221034: Waiting indefinitely to obtain primary lock"));
  CHECK(p.log.contains("AMQ221035"));
  CHECK(p.activation->node_id().has_value());
  REQUIRE(p.stop_and_wait());
  CHECK(p.reason.load() == StopReason::requested);
  CHECK(p.deactivations == 1);
  CHECK(p.hooks_on_broker_thread);
  CHECK(state_of(dir) == NodeState::paused);  // failover-on-shutdown=false
}

TEST_CASE("ha: primary then backup: the backup stays passive and shares the node id") {
  TempDir dir;
  Node p(dir, policy(config::HaRole::primary));
  p.start();
  REQUIRE(p.reaches(Phase::active));
  Node b(dir, policy(config::HaRole::backup));
  b.start();
  REQUIRE(b.reaches(Phase::passive_backup));
  CHECK(b.log.contains("AMQ221032"));
  CHECK(b.log.contains("AMQ221033"));
  CHECK(b.log.contains("AMQ221109"));
  CHECK(b.log.contains(p.activation->node_id()->to_string()));
  CHECK(b.activation->node_id() == p.activation->node_id());
  CHECK_FALSE(b.serving);
  REQUIRE(b.stop_and_wait());  // stopping a passive backup: no deactivate, no state write
  CHECK(b.deactivations == 0);
  CHECK(state_of(dir) == NodeState::live);
  CHECK(p.activation->phase() == Phase::active);
}

TEST_CASE("ha: backup then primary: the backup waits on a fresh store, the primary activates") {
  TempDir dir;
  Node b(dir, policy(config::HaRole::backup));
  b.start();
  REQUIRE(b.reaches(Phase::passive_backup));
  Node p(dir, policy(config::HaRole::primary));
  p.start();
  REQUIRE(p.reaches(Phase::active));
  CHECK(b.activation->phase() == Phase::passive_backup);
  CHECK_FALSE(b.serving);
}

TEST_CASE("ha: primary crash: the backup activates (AMQ221010) and releases the backup lock") {
  TempDir dir;
  Node b(dir, policy(config::HaRole::backup));
  PrimaryHoldingLiveLock primary(dir.path());
  b.start();
  REQUIRE(b.reaches(Phase::passive_backup));
  const auto t0 = std::chrono::steady_clock::now();
  primary.crash();
  REQUIRE(b.reaches(Phase::active));
  MESSAGE("kill -9 of the primary -> backup active: "
          << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                 .count()
          << " ms");
  CHECK(b.log.contains("AMQ221010: Backup Server is now active"));
  CHECK(state_of(dir) == NodeState::live);  // inherited, not rewritten
  NodeManager other(NodeManagerOptions{dir.path()});
  REQUIRE_FALSE(other.start());
  bool got = false;
  REQUIRE_FALSE(other.try_lock_live(got));
  CHECK_FALSE(got);  // the active backup holds the live lock
  other.stop();
  NodeManager next_backup(NodeManagerOptions{dir.path()});
  REQUIRE_FALSE(next_backup.start());
  CHECK_FALSE(next_backup.lock_backup());  // released: the next backup may queue
}

TEST_CASE("ha: graceful stop with failover-on-shutdown=false writes P; the backup stays passive") {
  TempDir dir;
  Node p(dir, policy(config::HaRole::primary));
  Node b(dir, policy(config::HaRole::backup));
  p.start();
  REQUIRE(p.reaches(Phase::active));
  b.start();
  REQUIRE(b.reaches(Phase::passive_backup));
  REQUIRE(p.stop_and_wait());
  CHECK(state_of(dir) == NodeState::paused);
  // The backup must not activate: give it many state polls to get it wrong.
  CHECK_FALSE(b.reaches(Phase::active, 300ms));
  CHECK_FALSE(b.serving);
}

TEST_CASE("ha: graceful stop with failover-on-shutdown=true hands over to the backup") {
  TempDir dir;
  auto pp = policy(config::HaRole::primary);
  pp.failover_on_shutdown = true;
  Node p(dir, pp);
  Node b(dir, policy(config::HaRole::backup));
  p.start();
  REQUIRE(p.reaches(Phase::active));
  b.start();
  REQUIRE(b.reaches(Phase::passive_backup));
  REQUIRE(p.stop_and_wait());
  REQUIRE(b.reaches(Phase::active));
  CHECK(b.serving);
  CHECK(state_of(dir) == NodeState::live);
}

TEST_CASE("ha: failback: a restarted primary takes over and the backup becomes passive again") {
  TempDir dir;
  leave_crashed_primary(dir.path());  // state 'L', lock free
  Node b(dir, policy(config::HaRole::backup));
  b.start();
  REQUIRE(b.reaches(Phase::active));  // backup started after a crash activates at once
  Node p(dir, policy(config::HaRole::primary));
  p.start();
  REQUIRE(p.reaches(Phase::active));
  CHECK(b.log.contains("AMQ221008"));
  REQUIRE(b.reaches(Phase::passive_backup));
  CHECK(b.deactivations == 1);
  CHECK_FALSE(b.serving);
  CHECK(p.serving);
  CHECK(state_of(dir) == NodeState::live);
  // And a second crash of the primary fails over again.
  REQUIRE(p.stop_and_wait());  // 'P': stays passive
  CHECK_FALSE(b.reaches(Phase::active, 200ms));
}

// The live lock is released only once the deactivation is done, so a node that is slow to stop
// serving still never serves beside the one that takes over.
TEST_CASE("ha: a slow deactivation ends before the other node activates (failback, handover)") {
  TempDir dir;
  std::atomic<int> serving_nodes{0};
  std::atomic<int> most_serving{0};
  auto watch = [&](Node& n) {
    n.serving_nodes = &serving_nodes;
    n.most_serving = &most_serving;
    n.deactivation_takes = 300ms;
  };
  leave_crashed_primary(dir.path());
  Node b(dir, policy(config::HaRole::backup));
  watch(b);
  b.start();
  REQUIRE(b.reaches(Phase::active));
  auto pp = policy(config::HaRole::primary);
  pp.failover_on_shutdown = true;
  Node p(dir, pp);
  watch(p);
  p.start();  // failback: the active backup deactivates, then lets go of the live lock
  REQUIRE(p.reaches(Phase::active));
  REQUIRE(b.reaches(Phase::passive_backup));
  CHECK(b.deactivations == 1);
  REQUIRE(p.stop_and_wait());  // handover: the primary deactivates, then lets go of the lock
  REQUIRE(b.reaches(Phase::active));
  CHECK(p.deactivations == 1);
  CHECK(most_serving.load() == 1);
}

TEST_CASE("ha: failback with restart-backup=false leaves the old backup stopped") {
  TempDir dir;
  leave_crashed_primary(dir.path());
  auto bp = policy(config::HaRole::backup);
  bp.restart_backup = false;
  Node b(dir, bp);
  b.start();
  REQUIRE(b.reaches(Phase::active));
  Node p(dir, policy(config::HaRole::primary));
  p.start();
  REQUIRE(p.reaches(Phase::active));
  REQUIRE(wait_until([&] { return b.stopped.load(); }));
  CHECK(b.reason.load() == StopReason::failed_back);
}

TEST_CASE("ha: allow-failback=false: the restarted primary waits until the backup goes away") {
  TempDir dir;
  leave_crashed_primary(dir.path());
  auto bp = policy(config::HaRole::backup);
  bp.allow_failback = false;
  Node b(dir, bp);
  b.start();
  REQUIRE(b.reaches(Phase::active));
  Node p(dir, policy(config::HaRole::primary));
  p.start();
  REQUIRE(p.reaches(Phase::waiting_for_live));
  // The primary is blocked in the kernel on the live lock the backup holds.
  REQUIRE(wait_until([&] { return lock_has_blocked_waiter(dir.path() / "serverlock.1"); }));
  CHECK(p.activation->phase() == Phase::waiting_for_live);
  CHECK(b.activation->phase() == Phase::active);
  // A graceful stop writes 'P' over the 'F', but the waiting primary does not read the state.
  REQUIRE(b.stop_and_wait());
  REQUIRE(p.reaches(Phase::active));
  CHECK(state_of(dir) == NodeState::live);
}

TEST_CASE("ha: primary and backup started at once on an empty store: exactly one serves") {
  for (int round = 0; round < 5; ++round) {
    TempDir dir;
    Node p(dir, policy(config::HaRole::primary));
    Node b(dir, policy(config::HaRole::backup));
    std::thread tb([&] { b.start(); });
    p.start();
    tb.join();
    REQUIRE(p.reaches(Phase::active));
    REQUIRE(b.reaches(Phase::passive_backup));
    CHECK(p.activation->node_id() == b.activation->node_id());
    CHECK_FALSE(b.serving);
  }
}

TEST_CASE("ha: a stopped primary waiting for the lock ends promptly") {
  TempDir dir;
  Node a(dir, policy(config::HaRole::primary));
  a.start();
  REQUIRE(a.reaches(Phase::active));
  Node second(dir, policy(config::HaRole::primary));  // two primaries on one store
  second.start();
  REQUIRE(second.reaches(Phase::waiting_for_live));
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(second.stop_and_wait());
  CHECK(std::chrono::steady_clock::now() - t0 < 1000ms);
  CHECK(second.activations == 0);
  CHECK(a.activation->phase() == Phase::active);  // a primary waiting in 'F' is no threat
}

TEST_CASE("ha: losing the live lock file stops the active node (AMQ222010)") {
  TempDir dir;
  Node p(dir, policy(config::HaRole::primary));
  p.start();
  REQUIRE(p.reaches(Phase::active));
  std::filesystem::remove(dir.path() / "serverlock.1");
  REQUIRE(wait_until([&] { return p.stopped.load(); }));
  CHECK(p.reason.load() == StopReason::lock_lost);
  CHECK(p.log.contains("AMQ222010"));
  CHECK_FALSE(p.serving);
}

TEST_CASE("ha: a failed activation releases the live lock") {
  TempDir dir;
  ThreadScheduler broker;
  LogCapture log;
  ActivationOptions o;
  o.lock_directory = dir.path();
  o.policy = policy(config::HaRole::primary);
  std::atomic<bool> stopped{false};
  std::atomic<StopReason> reason{StopReason::requested};
  ActivationHooks h;
  h.activate = [](std::function<void(bool)> done) { done(false); };
  h.on_stopped = [&](StopReason r) {
    reason = r;
    stopped = true;
  };
  Activation a(o, broker, log.logger(), h);
  a.start();
  REQUIRE(wait_until([&] { return stopped.load(); }));
  CHECK(reason.load() == StopReason::activation_failed);
  NodeManager other(NodeManagerOptions{dir.path()});
  REQUIRE_FALSE(other.start());
  bool got = false;
  REQUIRE_FALSE(other.try_lock_live(got));
  CHECK(got);
}

TEST_CASE("ha: two backups: the second queues, becomes passive once the first activates") {
  TempDir dir;
  auto handing_over = policy(config::HaRole::backup);
  handing_over.failover_on_shutdown = true;
  Node b1(dir, handing_over);
  b1.start();
  REQUIRE(b1.reaches(Phase::passive_backup));
  Node b2(dir, policy(config::HaRole::backup));
  b2.start();
  REQUIRE(b2.reaches(Phase::waiting_for_backup));
  // b2 is blocked in the kernel on the backup lock b1 holds.
  REQUIRE(wait_until([&] { return lock_has_blocked_waiter(dir.path() / "serverlock.2"); }));
  CHECK(b2.activation->phase() == Phase::waiting_for_backup);
  leave_crashed_primary(dir.path());  // a primary ran, reached 'L', crashed
  REQUIRE(b1.reaches(Phase::active));
  REQUIRE(b2.reaches(Phase::passive_backup));
  CHECK_FALSE(b2.serving);
  // The active one stops with failover-on-shutdown=true: 'L' stays, b2 takes over.
  b1.activation->stop();
  REQUIRE(wait_until([&] { return b1.stopped.load(); }));
  REQUIRE(b2.reaches(Phase::active));
  CHECK(state_of(dir) == NodeState::live);
}

TEST_CASE("ha: polling lock waits (NFS fallback) also fail over after a crash") {
  TempDir dir;
  Node b(dir, policy(config::HaRole::backup), LockWaitMode::polling);
  PrimaryHoldingLiveLock primary(dir.path());
  b.start();
  REQUIRE(b.reaches(Phase::passive_backup));
  primary.crash();
  REQUIRE(b.reaches(Phase::active));
  REQUIRE(b.stop_and_wait());  // a polling wait is interrupted as well
}
