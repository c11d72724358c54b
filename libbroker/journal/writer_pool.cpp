// WriterThread, its files: making free files (at load and when a roll finds the pool empty),
// freeing dead ones back to the pool, and what a load does before the thread starts. Runs on
// the journal thread, or on the loading thread before start().
#include <algorithm>

#include "journal/errors.hpp"
#include "journal/log_codes.hpp"
#include "journal/writer_thread.hpp"
#include "util/assert.hpp"

namespace artemis::journal {

std::error_code WriterThread::create_free_file(std::filesystem::path& path) {
  // The name is taken before the file exists: the compactor reserves names on the broker
  // thread while this one zero-fills, and must never be handed the same one.
  const auto name = next_name_.fetch_add(1);
  path = options_.directory / file_name(options_.prefix, options_.extension, name);
  JournalFile file;
  // A free file carries sequence 0: it never validates a record until it is activated.
  if (auto ec = JournalFile::create(path, options_.file_size, 0,
                                    options_.datasync ? Sync::yes : Sync::no, file, io_); ec) {
    ++failed_creates_;
    return ec;
  }
  if (create_failure_reported_) {
    log_.log(log_codes::kCreateWorks, path.string(), failed_creates_);
    create_failure_reported_ = false;
  }
  failed_creates_ = 0;
  free_.push_back(std::move(file));
  update_file_count();
  return {};
}

std::error_code WriterThread::release_now(const std::vector<std::uint64_t>& seqs) {
  BROKER_ASSERT(!thread_.joinable(), "journal files released at load after the start");
  for (auto seq : seqs) {
    if (auto ec = release(seq); ec) return ec;
  }
  update_file_count();
  return {};
}

std::error_code WriterThread::ensure_files(std::size_t min_files) {
  while (data_.size() + free_.size() < min_files || free_.empty()) {
    std::filesystem::path path;
    if (auto ec = create_free_file(path); ec) {
      // A full disk is the caller's to report: the journal can still open with what it has.
      if (ec != errc::disk_full) {
        log_.log(log_codes::kCreateFailed, path.string(), ec.message());
      } else {
        create_failure_reported_ = true;  // by the caller (AMQ142013)
      }
      return ec;
    }
  }
  return {};
}

void WriterThread::top_up() {
  // Keep one file ready so the next roll does not wait for a zero fill. On a full disk this is
  // where the pool fills up again once there is room. A journal left on a full disk comes here
  // after every roll that frees a file: one line when creation starts failing (and one when a
  // creation works again, create_free_file), not an error per roll.
  std::filesystem::path path;
  if (auto ec = create_free_file(path); ec && !create_failure_reported_) {
    log_.log(log_codes::kCreateFailed, path.string(), ec.message());
    create_failure_reported_ = true;
  }
}

std::error_code WriterThread::clear_tail(std::uint64_t seq, std::uint64_t from, std::uint64_t to) {
  BROKER_ASSERT(!thread_.joinable(), "journal tail cleared after the start");
  auto& file = data_.at(seq);
  // Written in place over blocks the file already has: a full disk does not refuse it.
  const std::vector<std::uint8_t> zeros(std::min<std::uint64_t>(to - from, 1u << 20), 0);
  for (auto off = from; off < to;) {
    const iovec iov{const_cast<std::uint8_t*>(zeros.data()),
                    static_cast<std::size_t>(std::min<std::uint64_t>(zeros.size(), to - off))};
    if (auto ec = file.write_at(off, std::span<const iovec>(&iov, 1)); ec) {
      log_.log(log_codes::kWriteFailed, file.path().string(), off, ec.message());
      return ec;
    }
    off += iov.iov_len;
  }
  if (to > from && options_.datasync) {
    if (auto ec = file.datasync(); ec) {
      log_.log(log_codes::kSyncFailed, file.path().string(), ec.message());
      return ec;
    }
  }
  return {};
}

std::error_code WriterThread::activate(Batch& batch, std::size_t index, JournalFile*& file) {
  const auto seq = batch.segments[index].at.seq;
  if (free_.empty()) {
    std::filesystem::path path;
    auto ec = create_free_file(path);
    if (ec == errc::disk_full) {
      if (auto rec = release_early(batch, index); rec) return rec;
      if (!free_.empty()) ec = {};
    }
    if (ec) {
      // Reported even after a failed top-up: this one stops the journal.
      log_.log(log_codes::kCreateFailed, path.string(), ec.message());
      create_failure_reported_ = true;
      return ec;
    }
  }
  auto [it, fresh] = data_.emplace(seq, std::move(free_.back()));
  free_.pop_back();
  BROKER_ASSERT(fresh, "journal file sequence {} activated twice", seq);
  file = &it->second;
  return {};
}

std::error_code WriterThread::release_early(Batch& batch, std::size_t index) {
  // Compaction swaps of this round may add the very files these releases name: not before them.
  if (!batch.swaps.empty()) return {};
  const auto due = [&](const Release& r) { return !r.done && r.segments_before <= index; };
  if (std::none_of(batch.releases.begin(), batch.releases.end(), due)) return {};
  // What made these files dead was queued before them, so it is in the segments written so far.
  if (options_.datasync) {
    if (auto ec = sync_dirty(); ec) return ec;
  }
  for (auto& r : batch.releases) {
    if (!due(r)) continue;
    r.done = true;
    if (auto ec = release(r.seq); ec) return ec;
  }
  return {};
}

void WriterThread::release_or_fail(std::uint64_t seq) {
  if (auto ec = release(seq); ec && mark_failed(ec)) notify_failed(ec);
}

std::error_code WriterThread::release(std::uint64_t seq) {
  if (failure_) return {};  // nothing is written after a failure; the file stays a data file
  auto node = data_.extract(seq);
  if (node.empty()) return {};
  auto& file = node.mapped();
  dirty_.erase(seq);
  // Mark it free and make that durable before anything else is freed after it (a later file
  // may hold the deletes that keep this one's records dead). If that fails the device is
  // failing: the journal stops like after a failed append, and the file is not reused.
  std::error_code ec = file.write_header(FileHeader{seq, FileState::free, file.size()});
  if (ec) {
    log_.log(log_codes::kWriteFailed, file.path().string(), 0, ec.message());
  } else if (options_.datasync) {
    ec = file.datasync();
    if (ec) log_.log(log_codes::kSyncFailed, file.path().string(), ec.message());
  }
  if (ec) {
    data_.insert(std::move(node));
    return ec;
  }
  const bool wrong = wrong_size_.erase(seq) != 0;
  const auto limit = static_cast<std::size_t>(std::max(options_.pool_files, options_.min_files));
  const bool keep = !wrong && (options_.pool_files < 0 || data_.size() + free_.size() + 1 <= limit);
  if (keep) {
    free_.push_back(std::move(file));
    return {};
  }
  const auto path = file.path();
  file.close();
  std::filesystem::remove(path, ec);  // a stale file left behind costs only disk space
  if (options_.datasync) (void)sync_directory(options_.directory);
  return {};
}

}  // namespace artemis::journal
