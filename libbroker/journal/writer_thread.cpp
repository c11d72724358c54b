#include "journal/writer_thread.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include "journal/compact_marker.hpp"
#include "journal/errors.hpp"
#include "journal/log_codes.hpp"
#include "util/assert.hpp"

namespace artemis::journal {

void WriterThread::Batch::clear() {
  // A segment keeps its capacity for the next round (no reallocation per round), but not what
  // a burst grew it to: past kKeptSegmentBytes the memory goes back, or an idle broker would
  // hold its largest burst's bytes for good.
  for (std::size_t i = 0; i < used_segments; ++i) {
    auto& bytes = segments[i].bytes;
    bytes.clear();
    if (bytes.capacity() > kKeptSegmentBytes) std::vector<std::uint8_t>().swap(bytes);
  }
  used_segments = 0;
  items.clear();
  releases.clear();
  swaps.clear();
  sync = false;
}

WriterThread::WriterThread(const Options& options, Poster post, const util::Logger& log,
                           std::map<std::uint64_t, JournalFile> data_files,
                           std::vector<JournalFile> free_files, std::set<std::uint64_t> wrong_size,
                           std::uint64_t next_name, std::shared_ptr<FailureListener> listener)
    : options_(options),
      post_(std::move(post)),
      log_(log),
      io_(file_io(options_)),
      listener_(std::move(listener)),
      data_(std::move(data_files)),
      free_(std::move(free_files)),
      wrong_size_(std::move(wrong_size)),
      next_name_(next_name) {
  update_file_count();
}

WriterThread::~WriterThread() { stop(); }

void WriterThread::update_file_count() { file_count_.store(data_.size() + free_.size()); }

void WriterThread::start() {
  BROKER_ASSERT(!thread_.joinable(), "journal writer started twice");
  thread_ = std::thread([this] { run(); });
}

void WriterThread::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  data_.clear();
  free_.clear();
}

WriterThread::Segment& WriterThread::segment_for(Placement at) {
  auto& b = queued_;
  if (b.used_segments > 0) {
    auto& last = b.segments[b.used_segments - 1];
    if (!at.activate && last.at.seq == at.seq && last.at.offset + last.bytes.size() == at.offset) {
      return last;
    }
  }
  if (b.used_segments == b.segments.size()) b.segments.emplace_back();
  auto& seg = b.segments[b.used_segments++];
  seg.at = at;
  return seg;
}

bool WriterThread::should_wake() {
  if (idle_) {
    idle_ = false;
    return true;
  }
  if (filling_ && (queued_.sync || queued_bytes_ >= options_.max_batch_bytes)) {
    filling_ = false;
    return true;
  }
  return false;
}

void WriterThread::enqueue_completion(Completion done, std::error_code preset, Sync sync) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    queued_.sync |= sync == Sync::yes;
    queued_.items.push_back(Item{std::move(done), preset});
    wake = should_wake();
  }
  if (wake) wake_.notify_one();
}

void WriterThread::enqueue_release(std::vector<std::uint64_t> seqs) {
  if (seqs.empty()) return;
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    queued_.sync = true;  // what made these files dead must be durable before they are freed
    for (auto seq : seqs) queued_.releases.push_back(Release{seq, queued_.used_segments});
    wake = should_wake();
  }
  if (wake) wake_.notify_one();
}

void WriterThread::enqueue_compaction_swap(
    std::vector<std::pair<std::uint64_t, std::filesystem::path>> added,
    std::vector<std::uint64_t> retired) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    queued_.swaps.push_back(Batch::Swap{std::move(added), std::move(retired)});
    wake = should_wake();
  }
  if (wake) wake_.notify_one();
}

void WriterThread::swap_in(Batch::Swap& swap) {
  // Crash reasoning: the marker is durable, so until it is deleted a load redoes exactly
  // these renames and deletes the compacted files that still carry their old sequence.
  for (auto& [seq, path] : swap.added) {
    auto cmp = path;
    cmp += ".cmp";
    std::error_code ec;
    std::filesystem::rename(cmp, path, ec);
    JournalFile file;
    if (!ec) ec = JournalFile::open(path, file, io_);
    if (ec) {
      log_.log(log_codes::kCompactFailed, fmt::format("cannot adopt {}: {}", path.string(), ec.message()));
      continue;  // stays on disk; the next load reads it through the marker or by name
    }
    data_.emplace(seq, std::move(file));
  }
  if (options_.datasync) (void)sync_directory(options_.directory);
  for (auto seq : swap.retired) release_or_fail(seq);
  if (auto ec = remove_marker(options_.directory, options_.prefix); ec) {
    log_.log(log_codes::kCompactFailed, fmt::format("cannot remove the compaction marker: {}", ec.message()));
  }
}

void WriterThread::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    idle_ = true;
    wake_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
    idle_ = false;
    if (queued_.empty()) break;  // stopping with nothing left
    if (options_.buffer_timeout.count() > 0 && !stopping_ && !queued_.sync &&
        queued_bytes_ < options_.max_batch_bytes) {
      // Only a batch nobody waits on may wait for company. A sync is never delayed: appends
      // that arrive while it runs form the next batch, so batches grow with the disk's
      // latency under load and a lone durable send costs one fdatasync, not a timeout more.
      filling_ = true;
      wake_.wait_for(lock, options_.buffer_timeout,
                     [&] { return stopping_ || queued_.sync || queued_bytes_ >= options_.max_batch_bytes; });
      filling_ = false;
    }
    std::swap(queued_, work_);
    const auto bytes = queued_bytes_;
    queued_bytes_ = 0;
    lock.unlock();
    process(work_);
    backlog_.fetch_sub(bytes, std::memory_order_relaxed);
    work_.clear();
    lock.lock();
  }
}

std::error_code WriterThread::write_segment(Batch& batch, std::size_t index) {
  auto& seg = batch.segments[index];
  JournalFile* file = nullptr;
  iovec iov[3];
  int n = 0;
  std::uint8_t header[kFileHeaderSize];
  std::uint64_t offset = seg.at.offset;
  if (seg.at.activate) {
    if (auto ec = activate(batch, index, file); ec) return ec;
    BROKER_ASSERT(seg.at.offset == kFileHeaderSize, "first record of file {} at offset {}",
                  seg.at.seq, seg.at.offset);
    // Header and first records in one write: if it tears, neither a new header with stale
    // records nor new records under an old header validates.
    encode_file_header(FileHeader{seg.at.seq, FileState::data, file->size()}, header);
    iov[n++] = iovec{header, kFileHeaderSize};
    offset = 0;
  } else {
    auto it = data_.find(seg.at.seq);
    BROKER_ASSERT(it != data_.end(), "journal write to unknown file sequence {}", seg.at.seq);
    file = &it->second;
  }
  iov[n++] = iovec{seg.bytes.data(), seg.bytes.size()};
  // A zeroed record header after the last record: a cleanly written file always ends in
  // zeros, never in stale bytes of a recycled file, so load can tell a clean end from a torn
  // one. The next write to this file overwrites it.
  static const std::uint8_t kEndMark[kRecordHeaderSize] = {};
  const auto end = seg.at.offset + seg.bytes.size();
  if (end < file->size()) {
    iov[n++] = iovec{const_cast<std::uint8_t*>(kEndMark),
                     static_cast<std::size_t>(std::min<std::uint64_t>(kRecordHeaderSize, file->size() - end))};
  }
  if (auto ec = file->write_at(offset, std::span<const iovec>(iov, n)); ec) {
    log_.log(log_codes::kWriteFailed, file->path().string(), offset, ec.message());
    return ec;
  }
  dirty_.insert(seg.at.seq);
  return {};
}

std::error_code WriterThread::sync_dirty() {
  for (auto seq : dirty_) {
    auto& file = data_.at(seq);
    if (auto ec = file.datasync(); ec) {
      log_.log(log_codes::kSyncFailed, file.path().string(), ec.message());
      return ec;
    }
  }
  dirty_.clear();
  return {};
}

void WriterThread::process(Batch& batch) {
  std::error_code ec = failure_ ? std::error_code(errc::journal_failed) : std::error_code{};
  for (std::size_t i = 0; !ec && i < batch.used_segments; ++i) ec = write_segment(batch, i);
  if (!ec && batch.sync && options_.datasync) {
    const auto started = std::chrono::steady_clock::now();
    ec = sync_dirty();
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    if (!ec) {
      sync_latency_us_.observe(static_cast<std::uint64_t>(took.count()));
      sync_appends_.observe(batch.items.size());
    }
  }
  const bool first_failure = ec && mark_failed(ec);
  batches_.fetch_add(1, std::memory_order_relaxed);
  if (!batch.items.empty()) {
    auto items = std::make_shared<std::vector<Item>>(std::move(batch.items));
    batch.items = {};
    for (auto& item : *items) {
      if (!item.preset) item.preset = ec;
    }
    post_([items] {
      for (auto& item : *items) item.done(item.preset);
    });
  }
  // After the completions: whoever handles the failure (the server stops) finds every append
  // of the failed round already answered with its error.
  if (first_failure) notify_failed(ec);
  if (!ec) {
    for (auto& swap : batch.swaps) swap_in(swap);
    for (const auto& r : batch.releases) {
      if (!r.done) release_or_fail(r.seq);
    }
  }
  if (!failure_ && free_.empty() && !batch.releases.empty()) top_up();
  update_file_count();
}

bool WriterThread::mark_failed(std::error_code ec) {
  if (failure_) return false;
  failure_ = ec;
  failed_.store(true, std::memory_order_release);
  log_.log(log_codes::kFailedState, ec.message());
  return true;
}

void WriterThread::notify_failed(std::error_code ec) {
  post_([listener = listener_, ec] {
    // A copy: the handler may close the journal, which clears listener->handler.
    if (auto fn = listener ? listener->handler : FailureHandler{}) fn(ec);
  });
}

}  // namespace artemis::journal
