// DiskMonitor (max-disk-usage, disk-scan-period) on a ManualScheduler with a fake "free space"
// function: when it reports the disk full or back, what it logs, and the journal headroom rule.
#include <doctest/doctest.h>

#include <map>
#include <vector>

#include "server/disk_monitor.hpp"
#include "support/log_capture.hpp"
#include "support/manual_scheduler.hpp"

using namespace artemis;
using namespace artemis::server;

namespace {

constexpr std::uint64_t kGiB = 1024ull * 1024 * 1024;

struct MonitorFixture {
  test_support::ManualScheduler scheduler;
  test_support::LogCapture log;
  std::map<std::string, DiskSpace> disks;  // directory -> what statvfs would say
  int probes = 0;
  std::vector<bool> changes;
  DiskMonitorOptions options;

  MonitorFixture() {
    options.directories = {"/data/journal", "/data/bindings"};
    options.max_disk_usage = 90;
    options.period = std::chrono::milliseconds(5000);
    options.journal_headroom = 10 * 1024 * 1024;
    disks["/data/journal"] = DiskSpace{1, 100 * kGiB, 50 * kGiB};
    disks["/data/bindings"] = DiskSpace{1, 100 * kGiB, 50 * kGiB};
  }
  std::unique_ptr<DiskMonitor> make() {
    return std::make_unique<DiskMonitor>(
        options, scheduler, log.logger(), [this](bool full) { changes.push_back(full); },
        [this](const std::filesystem::path& dir, DiskSpace& out) {
          ++probes;
          out = disks.at(dir.string());
          return std::error_code{};
        });
  }
  void set_usable(const std::string& dir, std::uint64_t usable) { disks[dir].usable = usable; }
};

}  // namespace

TEST_CASE("disk monitor: blocks beyond max-disk-usage and unblocks below it, every scan period") {
  MonitorFixture f;
  auto m = f.make();
  m->start();
  CHECK_FALSE(m->full());
  CHECK(f.changes.empty());
  f.set_usable("/data/journal", 5 * kGiB);  // 95 % used
  f.set_usable("/data/bindings", 5 * kGiB);
  f.scheduler.advance(4999);
  CHECK_FALSE(m->full());  // not scanned yet
  f.scheduler.advance(1);
  CHECK(m->full());
  CHECK(f.changes == std::vector<bool>{true});
  CHECK(f.log.contains("AMQ222210: Free storage space is at 5.0GB of 100.0GB total. Usage rate is "
                       "95.0% which is beyond the configured <max-disk-usage>. System will start "
                       "blocking producers."));
  f.scheduler.advance(5000);  // still full: no second report
  CHECK(f.changes.size() == 1);
  f.set_usable("/data/journal", 20 * kGiB);
  f.set_usable("/data/bindings", 20 * kGiB);
  f.scheduler.advance(5000);
  CHECK_FALSE(m->full());
  CHECK(f.changes == std::vector<bool>{true, false});
  CHECK(f.log.contains("AMQ222211: Free storage space is at 20.0GB of 100.0GB total. Usage rate is "
                       "80.0% which is below the configured <max-disk-usage>."));
}

TEST_CASE("disk monitor: a disk that cannot hold the next journal file is full below the limit") {
  MonitorFixture f;
  f.disks["/data/journal"] = DiskSpace{1, 40 * 1024 * 1024, 8 * 1024 * 1024};  // 80 % used
  f.disks["/data/bindings"] = f.disks["/data/journal"];
  auto m = f.make();
  m->start();  // checked at once: a broker started on a full disk blocks from the start
  CHECK(m->full());
  CHECK(f.changes == std::vector<bool>{true});
  CHECK(f.log.contains("cannot hold the next journal file of 10485760 bytes"));
  CHECK_FALSE(f.log.contains("AMQ222210"));
}

TEST_CASE("disk monitor: the bindings on another file system count too, each file system once") {
  MonitorFixture f;
  f.disks["/data/bindings"] = DiskSpace{2, 10 * kGiB, 0};  // 100 % used, another device
  auto m = f.make();
  m->start();
  CHECK(m->full());
  CHECK(f.probes == 2);
  f.disks["/data/bindings"].device = 1;  // same file system as the journal: checked once
  f.disks["/data/bindings"].usable = 0;
  f.scheduler.advance(5000);
  CHECK_FALSE(m->full());
}

TEST_CASE("disk monitor: max-disk-usage -1 turns it off; stop() cancels the scans") {
  MonitorFixture f;
  f.options.max_disk_usage = -1;
  f.set_usable("/data/journal", 0);
  auto off = f.make();
  off->start();
  f.scheduler.advance(60000);
  CHECK(f.probes == 0);
  CHECK_FALSE(off->full());

  f.options.max_disk_usage = 90;
  auto m = f.make();
  m->start();
  const int after_start = f.probes;
  m->stop();
  f.scheduler.advance(60000);
  CHECK(f.probes == after_start);
}

TEST_CASE("disk monitor: sizes print as Artemis prints them") {
  CHECK(human_bytes(512) == "512bytes");
  CHECK(human_bytes(1536) == "1.5KB");
  CHECK(human_bytes(145ull * 1024 * 1024 + 700 * 1024) == "145.7MB");
}
