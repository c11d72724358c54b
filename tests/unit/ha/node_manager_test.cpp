// Lock-protocol scripts on real files, with real processes where a crash matters.
#include <doctest/doctest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "ha/errors.hpp"
#include "ha/node_manager.hpp"
#include "lock_wait_probe.hpp"
#include "primary_holding_live_lock.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace artemis;
using namespace artemis::ha;
using namespace artemis::ha::test;
using namespace artemis::test_support;
using namespace std::chrono_literals;

namespace {

NodeManagerOptions opts(const TempDir& dir, LockWaitMode mode = LockWaitMode::blocking) {
  return NodeManagerOptions{dir.path(), mode, std::chrono::milliseconds(20), -1};
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("ha: start creates server.lock (19 bytes, node id at offset 3) and both lock files") {
  TempDir dir;
  NodeManager nm(opts(dir));
  REQUIRE_FALSE(nm.start());
  CHECK(std::filesystem::exists(dir.path() / "server.lock"));
  CHECK(std::filesystem::exists(dir.path() / "serverlock.1"));
  CHECK(std::filesystem::exists(dir.path() / "serverlock.2"));
  const std::string bytes = read_file(dir.path() / "server.lock");
  REQUIRE(bytes.size() == state_file_size);
  CHECK(bytes.substr(0, 3) == "000");
  CHECK(std::equal(nm.node_id().bytes.begin(), nm.node_id().bytes.end(),
                   reinterpret_cast<const std::uint8_t*>(bytes.data()) + 3));
  CHECK_FALSE(nm.node_id().is_nil());
  NodeState s{};
  REQUIRE_FALSE(nm.read_state(s));
  CHECK(s == NodeState::first_time);
}

TEST_CASE("ha: node id is stable across restarts and shared by every node on the store") {
  TempDir dir;
  util::Uuid first;
  {
    NodeManager a(opts(dir));
    REQUIRE_FALSE(a.start());
    first = a.node_id();
    REQUIRE_FALSE(a.write_state(NodeState::live));
  }
  NodeManager b(opts(dir));
  NodeManager c(opts(dir));
  REQUIRE_FALSE(b.start());
  REQUIRE_FALSE(c.start());
  CHECK(b.node_id() == first);
  CHECK(c.node_id() == first);
  NodeState s{};
  REQUIRE_FALSE(b.read_state(s));
  CHECK(s == NodeState::live);  // a restart does not reset the state
}

TEST_CASE("ha: an empty server.lock reads as not started") {
  TempDir dir;
  { std::ofstream(dir.path() / "server.lock").flush(); }
  NodeManager nm(opts(dir));
  // start() fills in the header; before that, an empty file would read 'N'. Truncate after.
  REQUIRE_FALSE(nm.start());
  std::filesystem::resize_file(dir.path() / "server.lock", 0);
  NodeState s{};
  REQUIRE_FALSE(nm.read_state(s));
  CHECK(s == NodeState::not_started);
}

TEST_CASE("ha: the live lock excludes a second node and is free again after stop") {
  TempDir dir;
  NodeManager a(opts(dir)), b(opts(dir));
  REQUIRE_FALSE(a.start());
  REQUIRE_FALSE(b.start());
  bool got = false;
  REQUIRE_FALSE(a.try_lock_live(got));
  CHECK(got);
  REQUIRE_FALSE(b.try_lock_live(got));
  CHECK_FALSE(got);
  CHECK_FALSE(a.check_live_ownership());
  a.stop();
  REQUIRE_FALSE(b.try_lock_live(got));
  CHECK(got);
}

TEST_CASE("ha: a blocking lock wait ends promptly on interrupt") {
  TempDir dir;
  for (auto mode : {LockWaitMode::blocking, LockWaitMode::polling}) {
    NodeManager holder(opts(dir)), waiter(opts(dir, mode));
    REQUIRE_FALSE(holder.start());
    REQUIRE_FALSE(waiter.start());
    REQUIRE_FALSE(holder.lock_live());
    std::error_code result;
    std::atomic<pid_t> waiter_tid{0};
    std::atomic<bool> finished{false};
    std::thread t([&] {
      waiter_tid = ::gettid();
      result = waiter.lock_live();
      finished = true;
    });
    // Interrupt a wait that is really under way: blocked in the kernel on the live lock, or
    // (polling) asleep between two failed attempts. CHECK, not REQUIRE: the thread must be
    // joined either way.
    CHECK(wait_until([&] {
      return mode == LockWaitMode::blocking ? lock_has_blocked_waiter(dir.path() / "serverlock.1")
                                            : waiter_tid != 0 && thread_is_sleeping(waiter_tid);
    }));
    CHECK_FALSE(finished.load());
    const auto t0 = std::chrono::steady_clock::now();
    waiter.interrupt();
    CHECK(wait_until([&] { return finished.load(); }, 2000ms));
    t.join();
    CHECK(result == errc::interrupted);
    CHECK(std::chrono::steady_clock::now() - t0 < 500ms);
    CHECK_FALSE(waiter.holds_live());
  }
}

TEST_CASE("ha: interrupt before the wait starts is not lost") {
  TempDir dir;
  NodeManager holder(opts(dir)), waiter(opts(dir));
  REQUIRE_FALSE(holder.start());
  REQUIRE_FALSE(waiter.start());
  REQUIRE_FALSE(holder.lock_live());
  waiter.interrupt();
  CHECK(waiter.lock_live() == errc::interrupted);
  waiter.reset_interrupt();
  holder.stop();
  CHECK_FALSE(waiter.lock_live());
}

TEST_CASE("ha: a lock wait with journal-lock-acquisition-timeout times out") {
  TempDir dir;
  NodeManager holder(opts(dir));
  auto o = opts(dir);
  o.acquisition_timeout_ms = 100;
  NodeManager waiter(o);
  REQUIRE_FALSE(holder.start());
  REQUIRE_FALSE(waiter.start());
  REQUIRE_FALSE(holder.lock_live());
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(waiter.lock_live() == errc::timed_out);
  CHECK(std::chrono::steady_clock::now() - t0 >= 100ms);
}

TEST_CASE("ha: two backups queue on the backup lock") {
  TempDir dir;
  NodeManager b1(opts(dir)), b2(opts(dir));
  REQUIRE_FALSE(b1.start());
  REQUIRE_FALSE(b2.start());
  REQUIRE_FALSE(b1.lock_backup());
  std::atomic<bool> second{false};
  std::thread t([&] {
    if (!b2.lock_backup()) second = true;
  });
  // The kernel has b2 queued on the backup lock: it is waiting, not merely not yet done.
  CHECK(wait_until([&] { return lock_has_blocked_waiter(dir.path() / "serverlock.2"); }));
  CHECK_FALSE(second.load());
  REQUIRE_FALSE(b1.unlock_backup());  // b1 activated: the next backup may queue
  CHECK(wait_until([&] { return second.load(); }, 2000ms));
  t.join();
  CHECK(b2.holds_backup());
}

TEST_CASE("ha: the monitor check notices a deleted or replaced lock file") {
  TempDir dir;
  NodeManager nm(opts(dir));
  REQUIRE_FALSE(nm.start());
  REQUIRE_FALSE(nm.lock_live());
  CHECK_FALSE(nm.check_live_ownership());
  std::filesystem::remove(dir.path() / "serverlock.1");
  CHECK(nm.check_live_ownership() == errc::lock_file_replaced);
  { std::ofstream(dir.path() / "serverlock.1").flush(); }  // a new file, a new inode
  CHECK(nm.check_live_ownership() == errc::lock_file_replaced);
}

TEST_CASE("ha: SIGKILL of the live-lock holder wakes a blocked backup at once (median of 20)") {
  TempDir dir;
  std::vector<double> wake_ms;
  for (int round = 0; round < 20; ++round) {
    PrimaryHoldingLiveLock primary(dir.path());
    NodeManager backup(opts(dir));
    REQUIRE_FALSE(backup.start());
    bool got = false;
    REQUIRE_FALSE(backup.try_lock_live(got));
    REQUIRE_FALSE(got);
    std::atomic<std::int64_t> acquired_ns{0};
    std::thread waiter([&] {
      if (!backup.lock_live())
        acquired_ns = std::chrono::steady_clock::now().time_since_epoch().count();
    });
    // Time the wake-up of a waiter already blocked in the kernel, not its way into the wait.
    CHECK(wait_until([&] { return lock_has_blocked_waiter(dir.path() / "serverlock.1"); }));
    const auto killed = std::chrono::steady_clock::now();
    primary.crash();
    REQUIRE(wait_until([&] { return acquired_ns.load() != 0; }, 5000ms));
    waiter.join();
    const auto took = std::chrono::steady_clock::time_point(
                          std::chrono::steady_clock::duration(acquired_ns.load())) -
                      killed;
    wake_ms.push_back(std::chrono::duration<double, std::milli>(took).count());
    NodeState s{};
    REQUIRE_FALSE(backup.read_state(s));
    CHECK(s == NodeState::live);  // a crash leaves 'L': the backup activates
  }
  std::sort(wake_ms.begin(), wake_ms.end());
  const double median = (wake_ms[9] + wake_ms[10]) / 2;
  MESSAGE("SIGKILL of the live-lock holder -> backup holds the lock: median " << median
          << " ms, min " << wake_ms.front() << " ms, max " << wake_ms.back() << " ms (n=20)");
  std::printf("ha: failover lock wake-up median %.3f ms (min %.3f, max %.3f, n=20)\n", median,
              wake_ms.front(), wake_ms.back());
  CHECK(median < 50.0);  // the kernel wakes the waiter; no polling interval involved
}

TEST_CASE("ha: never two holders of the live lock (processes contending)") {
  TempDir dir;
  // Shared between the processes: how many hold the lock now, the worst seen, acquisitions.
  auto* shared = static_cast<std::atomic<int>*>(::mmap(nullptr, sizeof(std::atomic<int>) * 3,
                                                       PROT_READ | PROT_WRITE,
                                                       MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  REQUIRE(shared != MAP_FAILED);
  for (int i = 0; i < 3; ++i) new (&shared[i]) std::atomic<int>(0);
  constexpr int processes = 4;
  constexpr int rounds = 50;
  std::vector<std::unique_ptr<ChildProcess>> children;
  for (int p = 0; p < processes; ++p)
    children.push_back(std::make_unique<ChildProcess>([&](const ChildProcess::Ready& ready) {
      NodeManager nm(opts(dir));
      if (nm.start()) ::_exit(3);
      ready();
      for (int i = 0; i < rounds; ++i) {
        if (nm.lock_live()) ::_exit(4);
        const int now = shared[0].fetch_add(1) + 1;
        int worst = shared[1].load();
        while (now > worst && !shared[1].compare_exchange_weak(worst, now)) {
        }
        shared[2].fetch_add(1);
        // Holding on a little widens the window in which a second holder would be counted;
        // with the lock working, the result is the same however long this is.
        ::usleep(100);
        shared[0].fetch_sub(1);
        if (nm.unlock_live()) ::_exit(5);
      }
      ::_exit(0);
    }));
  for (auto& c : children) REQUIRE(c->wait_ready());
  for (auto& c : children) CHECK(c->wait_exit() == 0);
  CHECK(shared[2].load() == processes * rounds);
  CHECK(shared[1].load() == 1);
  ::munmap(shared, sizeof(std::atomic<int>) * 3);
}
