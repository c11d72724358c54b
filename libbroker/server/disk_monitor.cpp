#include "server/disk_monitor.hpp"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <fmt/core.h>
#include <optional>
#include <set>

#include "server/log_codes.hpp"

namespace artemis::server {

std::error_code statvfs_probe(const std::filesystem::path& dir, DiskSpace& out) {
  struct stat st {};
  struct statvfs vfs {};
  if (::stat(dir.c_str(), &st) != 0 || ::statvfs(dir.c_str(), &vfs) != 0) {
    return {errno, std::system_category()};
  }
  out.device = static_cast<std::uint64_t>(st.st_dev);
  out.total = static_cast<std::uint64_t>(vfs.f_blocks) * vfs.f_frsize;
  out.usable = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  return {};
}

DiskMonitorOptions DiskMonitorOptions::from(const config::BrokerConfig& config) {
  DiskMonitorOptions o;
  for (const auto* dir : {&config.journal_directory, &config.bindings_directory,
                          &config.paging_directory, &config.large_messages_directory}) {
    if (!dir->empty()) o.directories.push_back(*dir);
  }
  o.max_disk_usage = config.max_disk_usage;
  o.min_disk_free = config.min_disk_free;
  o.period = std::chrono::milliseconds(std::max<std::int64_t>(config.disk_scan_period_ms, 1));
  // Without persistence nothing is written to the journal directory.
  if (config.persistence_enabled && !config.journal_directory.empty()) {
    o.journal_headroom = static_cast<std::uint64_t>(std::max<std::int64_t>(config.journal.file_size, 0));
  }
  return o;
}

std::string human_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"bytes", "KB", "MB", "GB", "TB", "PB"};
  if (bytes < 1024) return fmt::format("{}{}", bytes, kUnits[0]);
  double v = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (v >= 1024.0 && unit + 1 < std::size(kUnits)) {
    v /= 1024.0;
    ++unit;
  }
  return fmt::format("{:.1f}{}", v, kUnits[unit]);
}

DiskMonitor::DiskMonitor(DiskMonitorOptions options, util::Scheduler& scheduler,
                         const util::Logger& log, OnChange on_change, DiskProbe probe)
    : options_(std::move(options)),
      scheduler_(scheduler),
      log_(log),
      on_change_(std::move(on_change)),
      probe_(std::move(probe)) {}

DiskMonitor::~DiskMonitor() { stop(); }

void DiskMonitor::start() {
  if (running_ || options_.directories.empty()) return;
  if (options_.max_disk_usage < 0 && options_.min_disk_free < 0) return;
  if (options_.min_disk_free >= 0 && options_.max_disk_usage >= 0) {
    // max-disk-usage has a default (90), so this is logged whenever min-disk-free is set alone.
    log_.log(log_codes::config_param_override, "min-disk-free", options_.min_disk_free,
             "max-disk-usage", options_.max_disk_usage);
  }
  running_ = true;
  check();
  arm();
}

void DiskMonitor::stop() {
  running_ = false;
  if (timer_ != 0) scheduler_.cancel(timer_);
  timer_ = 0;
}

void DiskMonitor::arm() {
  timer_ = scheduler_.schedule_after(options_.period, [this] {
    timer_ = 0;
    if (!running_) return;
    check();
    if (running_) arm();
  });
}

void DiskMonitor::check() {
  const bool by_free = options_.min_disk_free >= 0;
  // The file system that is worst off decides (and is the one the log line describes).
  struct Verdict {
    DiskSpace space;
    double usage = 0;
    bool over_limit = false;  // beyond max-disk-usage, or not above min-disk-free
    bool no_room = false;
  };
  const auto worse = [by_free](const Verdict& a, const Verdict& b) {
    return by_free ? a.space.usable < b.space.usable : a.usage > b.usage;
  };
  std::optional<Verdict> worst;
  std::optional<Verdict> journal;  // what the "back under the limit" line describes
  std::set<std::uint64_t> seen;
  for (std::size_t i = 0; i < options_.directories.size(); ++i) {
    DiskSpace space;
    if (auto ec = probe_(options_.directories[i], space); ec) {
      log_.plain(util::Level::debug, log_codes::server_logger, "Cannot check the disk space of {}: {}",
                 options_.directories[i].string(), ec.message());
      continue;
    }
    if (!seen.insert(space.device).second) continue;
    Verdict v{space};
    v.usage = space.total == 0 ? 0.0 : 1.0 - static_cast<double>(space.usable) / static_cast<double>(space.total);
    // Artemis's FileStoreMonitor: within the limit only while usable > min-disk-free, or while
    // usage < max-disk-usage / 100; a disk exactly at the limit is full.
    v.over_limit = by_free ? space.usable <= static_cast<std::uint64_t>(options_.min_disk_free)
                           : v.usage >= static_cast<double>(options_.max_disk_usage) / 100.0;
    // The journal's file system: the first directory, or any other on the same device.
    v.no_room = i == 0 && space.usable < options_.journal_headroom;
    if (i == 0) journal = v;
    const bool bad = v.over_limit || v.no_room;
    if (bad && (!worst || worse(v, *worst))) worst = v;
  }
  if (!journal && !worst) return;  // nothing could be checked: keep the last verdict
  const bool full = worst.has_value();
  if (full == full_) return;
  full_ = full;
  if (full) {
    const auto& v = *worst;
    if (v.over_limit && by_free) {
      log_.log(log_codes::min_disk_free_reached, human_bytes(v.space.usable));
    } else if (v.over_limit) {
      log_.log(log_codes::max_disk_usage_reached, human_bytes(v.space.usable),
               human_bytes(v.space.total), fmt::format("{:.1f}%", v.usage * 100.0));
    } else {
      // Not an Artemis line: Artemis would only notice once the journal failed.
      log_.plain(util::Level::warn, log_codes::server_logger,
                 "Free storage space is at {} of {} total, which cannot hold the next journal "
                 "file of {} bytes. System will start blocking producers.",
                 human_bytes(v.space.usable), human_bytes(v.space.total), options_.journal_headroom);
    }
  } else if (by_free) {
    log_.log(log_codes::min_disk_free_restored, human_bytes(journal->space.usable));
  } else {
    log_.log(log_codes::max_disk_usage_restored, human_bytes(journal->space.usable),
             human_bytes(journal->space.total), fmt::format("{:.1f}%", journal->usage * 100.0));
  }
  if (on_change_) on_change_(full);
}

}  // namespace artemis::server
