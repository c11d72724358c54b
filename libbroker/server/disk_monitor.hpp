#pragma once
// DiskMonitor: Artemis's disk usage check (max-disk-usage, min-disk-free, disk-scan-period).
// Every period it looks at the file system of each data directory (journal, bindings, paging,
// large messages; each file system once) and reports the disk full when
//   - with min-disk-free set: usable bytes are at or below it (Artemis: full unless usable >
//     min-disk-free); max-disk-usage is then not checked at all, as in Artemis;
//   - otherwise: usage (1 - usable / total, as Artemis computes it) is at or beyond
//     max-disk-usage percent;
//   - either way: the journal's file system cannot hold the next journal file
//     (journal-file-size): the pool would have to create one and the journal would stop on
//     ENOSPC. A disk filled to 81 % with max-disk-usage 90 must block producers too.
// A change is logged (AMQ222210 / AMQ222211, or AMQ224128 / AMQ224129 for min-disk-free) and
// handed to `on_change`; the broker blocks every producer while full
// (core::PostOffice::set_disk_full), consumers keep draining. With both limits off (-1) there
// is no monitor, as in Artemis.
//
// Built per activation by the Broker; broker thread only. The "free space" function is
// injectable so tests drive it on a ManualScheduler.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

#include "config/broker_config.hpp"
#include "util/log.hpp"
#include "util/scheduler.hpp"

namespace artemis::server {

struct DiskSpace {
  std::uint64_t device = 0;  // st_dev: directories on one file system are checked once
  std::uint64_t total = 0;   // bytes
  std::uint64_t usable = 0;  // bytes an unprivileged process may still write (f_bavail)
};
using DiskProbe = std::function<std::error_code(const std::filesystem::path&, DiskSpace&)>;
// stat(2) + statvfs(3).
std::error_code statvfs_probe(const std::filesystem::path& dir, DiskSpace& out);

struct DiskMonitorOptions {
  std::vector<std::filesystem::path> directories;  // the first one holds the message journal
  int max_disk_usage = 90;                         // percent; -1: off
  std::int64_t min_disk_free = -1;  // bytes; -1: off, else max_disk_usage is not used
  std::chrono::milliseconds period{5000};
  std::uint64_t journal_headroom = 0;  // bytes the journal's file system must keep usable
  static DiskMonitorOptions from(const config::BrokerConfig& config);
};

// "145.7MB", as Artemis's ByteUtil prints sizes in these lines.
std::string human_bytes(std::uint64_t bytes);

class DiskMonitor {
 public:
  using OnChange = std::function<void(bool full)>;
  DiskMonitor(DiskMonitorOptions options, util::Scheduler& scheduler, const util::Logger& log,
              OnChange on_change, DiskProbe probe = statvfs_probe);
  ~DiskMonitor();
  DiskMonitor(const DiskMonitor&) = delete;
  DiskMonitor& operator=(const DiskMonitor&) = delete;

  // Checks at once (a broker started on a full disk blocks from its first frame), then every
  // period until stop().
  void start();
  void stop();
  // One scan; reports a change through on_change.
  void check();
  bool full() const { return full_; }

 private:
  void arm();

  DiskMonitorOptions options_;
  util::Scheduler& scheduler_;
  const util::Logger& log_;
  OnChange on_change_;
  DiskProbe probe_;
  util::Scheduler::TimerId timer_ = 0;
  bool running_ = false;
  bool full_ = false;
};

}  // namespace artemis::server
