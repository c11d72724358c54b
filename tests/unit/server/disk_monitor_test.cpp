// DiskMonitor (max-disk-usage, min-disk-free, disk-scan-period) on a ManualScheduler with a fake
// "free space" function: when it reports the disk full or back, what it logs, and the journal
// headroom rule.
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

TEST_CASE("disk monitor: a disk exactly at max-disk-usage is full, as in Artemis") {
  MonitorFixture f;
  f.options.max_disk_usage = 50;
  f.set_usable("/data/journal", 50 * kGiB);  // usage 0.5: Artemis is within it only below 0.5
  auto m = f.make();
  m->start();
  CHECK(m->full());
  CHECK(f.log.contains("Usage rate is 50.0% which is beyond the configured <max-disk-usage>"));
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

TEST_CASE("disk monitor: both limits -1 turn it off; stop() cancels the scans") {
  MonitorFixture f;
  f.options.max_disk_usage = -1;
  f.options.min_disk_free = -1;
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

TEST_CASE("disk monitor: min-disk-free replaces max-disk-usage and blocks at or below it") {
  MonitorFixture f;
  f.options.min_disk_free = static_cast<std::int64_t>(kGiB);
  f.set_usable("/data/journal", 5 * kGiB);  // 95 % used: beyond max-disk-usage, which is not used
  f.set_usable("/data/bindings", 5 * kGiB);
  auto m = f.make();
  m->start();
  CHECK(f.log.contains("AMQ224130: The min-disk-free value 1073741824 will override the "
                       "max-disk-usage value 90 since both are set."));
  CHECK_FALSE(m->full());
  f.set_usable("/data/journal", kGiB);  // not above the limit: full, as in Artemis
  f.set_usable("/data/bindings", kGiB);
  f.scheduler.advance(5000);
  CHECK(m->full());
  CHECK(f.changes == std::vector<bool>{true});
  CHECK(f.log.contains("AMQ224128: Free storage space is at 1.0GB which is below the configured "
                       "<min-disk-free>. System will start blocking producers."));
  CHECK_FALSE(f.log.contains("AMQ222210"));
  f.set_usable("/data/journal", kGiB + 1);
  f.set_usable("/data/bindings", kGiB + 1);
  f.scheduler.advance(5000);
  CHECK_FALSE(m->full());
  CHECK(f.changes == std::vector<bool>{true, false});
  CHECK(f.log.contains("AMQ224129: Free storage space is at 1.0GB which is above the configured "
                       "<min-disk-free>. System will unblock producers."));
  CHECK_FALSE(f.log.contains("AMQ222211"));
}

TEST_CASE("disk monitor: min-disk-free works with max-disk-usage off; the poorest disk is named") {
  MonitorFixture f;
  f.options.max_disk_usage = -1;
  f.options.min_disk_free = 100 * 1024 * 1024;
  f.disks["/data/bindings"] = DiskSpace{2, 10 * kGiB, 50 * 1024 * 1024};  // another device
  f.disks["/data/journal"] = DiskSpace{1, 100 * kGiB, 80 * 1024 * 1024};
  auto m = f.make();
  m->start();
  CHECK(m->full());
  CHECK(f.log.contains("AMQ224128: Free storage space is at 50.0MB which is below"));
  CHECK_FALSE(f.log.contains("AMQ224130"));  // nothing is overridden
}

TEST_CASE("disk monitor: with min-disk-free the next journal file must still fit") {
  MonitorFixture f;
  f.options.min_disk_free = 1024 * 1024;
  f.disks["/data/journal"] = DiskSpace{1, 40 * 1024 * 1024, 8 * 1024 * 1024};  // above 1 MiB
  f.disks["/data/bindings"] = f.disks["/data/journal"];
  auto m = f.make();
  m->start();
  CHECK(m->full());
  CHECK(f.log.contains("cannot hold the next journal file of 10485760 bytes"));
  CHECK_FALSE(f.log.contains("AMQ224128"));
  f.set_usable("/data/journal", 20 * 1024 * 1024);
  f.scheduler.advance(5000);
  CHECK_FALSE(m->full());
  CHECK(f.log.contains("AMQ224129: Free storage space is at 20.0MB which is above"));
}

TEST_CASE("disk monitor: options come from broker.xml's values") {
  config::BrokerConfig c;
  c.journal_directory = "/data/journal";
  c.paging_directory = "/data/paging";
  c.min_disk_free = 5 * 1024 * 1024;
  c.max_disk_usage = 70;
  c.disk_scan_period_ms = 100;
  const auto o = DiskMonitorOptions::from(c);
  CHECK(o.min_disk_free == 5 * 1024 * 1024);
  CHECK(o.max_disk_usage == 70);
  CHECK(o.period == std::chrono::milliseconds(100));
  CHECK(o.journal_headroom == static_cast<std::uint64_t>(c.journal.file_size));
  CHECK(o.directories.size() == 2);
}

TEST_CASE("disk monitor: sizes print as Artemis prints them") {
  CHECK(human_bytes(512) == "512bytes");
  CHECK(human_bytes(1536) == "1.5KB");
  CHECK(human_bytes(145ull * 1024 * 1024 + 700 * 1024) == "145.7MB");
}
