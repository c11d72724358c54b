#pragma once
// The journal thread: owns the journal's open files and the pool of free files. The broker
// thread queues placed records (file sequence + offset chosen by the appender), completions,
// flushes and file releases; this thread takes everything queued as soon as its previous
// round ends (leader/follower group commit, no fixed timer), writes it with one pwritev per
// file, runs one fdatasync per dirty file when any queued entry asked for sync, and then posts
// the round's completions, in queue order, with one call to the poster.
//
// Names: every new file takes the next <n> of next_name_ before it exists, and the compactor
// reserves its output names from the same counter, so no two files ever share a name.
//
// Errors: a failed write, sync or file creation (or a failed header rewrite when a file goes
// back to the pool) fails that round's completions with the cause (errc::disk_full for
// ENOSPC/EFBIG) and every later one with errc::journal_failed, then posts the failure once to
// the FailureListener; nothing is written after a failure, so what was confirmed stays intact
// on disk. Compaction failures are not among them: the compacted files are simply not used.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "journal/journal.hpp"
#include "journal/journal_file.hpp"
#include "util/bucket_histogram.hpp"
#include "util/log.hpp"

namespace artemis::journal {

// Who hears of the journal's first I/O failure. Shared by JournalImpl, which sets and clears
// `handler` on the owner thread, and the notification the journal thread posts to that thread:
// one that arrives after close() finds no handler.
struct FailureListener {
  FailureHandler handler;  // owner thread only
};

struct Placement {
  std::uint64_t seq = 0;
  std::uint64_t offset = 0;
  bool activate = false;  // first record of a newly started file: write its header too
};

class WriterThread {
 public:
  // Upper bound on bytes queued but not yet written; appends past it fail with backlog_full.
  static constexpr std::size_t kMaxBacklogBytes = 256u << 20;
  // A round's segment buffer larger than this is freed once written (twice the default batch).
  static constexpr std::size_t kKeptSegmentBytes = 1u << 20;

  WriterThread(const Options& options, Poster post, const util::Logger& log,
               std::map<std::uint64_t, JournalFile> data_files, std::vector<JournalFile> free_files,
               std::set<std::uint64_t> wrong_size, std::uint64_t next_name,
               std::shared_ptr<FailureListener> listener);
  ~WriterThread();
  WriterThread(const WriterThread&) = delete;
  WriterThread& operator=(const WriterThread&) = delete;

  // Before start(): frees these data files (oldest first), as a release would.
  std::error_code release_now(const std::vector<std::uint64_t>& seqs);
  // Before start(): creates free files until data + free >= min_files and at least one is free.
  // errc::disk_full leaves the pool short; the files made so far stay in it.
  std::error_code ensure_files(std::size_t min_files);
  // Before start(): zeroes [from, to) of data file `seq` and makes it durable, so appends can
  // go on at `from` (a load on a full disk, JournalImpl::resume_last_file).
  std::error_code clear_tail(std::uint64_t seq, std::uint64_t from, std::uint64_t to);
  std::size_t free_count() const { return free_.size(); }  // before start()
  void start();
  // Drains everything queued, then stops the thread and closes the files.
  void stop();

  // Broker thread. `encode` fills `size` bytes; `done` may be empty.
  template <class Encode>
  void enqueue(Placement at, std::uint32_t size, Encode&& encode, Sync sync, Completion done) {
    bool wake = false;
    {
      std::lock_guard lock(mutex_);
      auto& seg = segment_for(at);
      const auto pos = seg.bytes.size();
      seg.bytes.resize(pos + size);
      encode(seg.bytes.data() + pos);
      queued_bytes_ += size;
      backlog_.fetch_add(size, std::memory_order_relaxed);
      queued_.sync |= sync == Sync::yes;
      if (done) queued_.items.push_back(Item{std::move(done), {}});
      wake = should_wake();
    }
    if (wake) wake_.notify_one();
  }
  // Broker thread: a completion in queue order, with a preset error or after a durable point.
  void enqueue_completion(Completion done, std::error_code preset, Sync sync);
  // Broker thread: return these files (oldest first) to the pool once everything queued
  // before is durable.
  void enqueue_release(std::vector<std::uint64_t> seqs);

  // Compactor: file names for its output, never used by anyone else.
  std::uint64_t reserve_names(std::uint64_t count) { return next_name_.fetch_add(count); }
  // Broker thread, after a compaction's commit marker is durable: once everything queued
  // before is written, rename the .cmp files to their names and adopt them, free the compacted
  // files, then delete the marker.
  void enqueue_compaction_swap(std::vector<std::pair<std::uint64_t, std::filesystem::path>> added,
                               std::vector<std::uint64_t> retired);

  std::size_t backlog() const { return backlog_.load(std::memory_order_relaxed); }
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  std::uint64_t batches() const { return batches_.load(std::memory_order_relaxed); }
  std::uint64_t file_count() const { return file_count_.load(std::memory_order_relaxed); }
  util::HistogramSnapshot sync_latency_us() const { return sync_latency_us_.snapshot(); }
  util::HistogramSnapshot sync_appends() const { return sync_appends_.snapshot(); }

 private:
  struct Segment {
    Placement at;
    std::vector<std::uint8_t> bytes;
  };
  struct Item {
    Completion done;
    std::error_code preset;
  };
  struct Release {
    std::uint64_t seq = 0;
    std::size_t segments_before = 0;  // segments queued before this release
    bool done = false;
  };
  struct Batch {
    std::vector<Segment> segments;
    std::size_t used_segments = 0;
    std::vector<Item> items;
    std::vector<Release> releases;
    struct Swap {
      std::vector<std::pair<std::uint64_t, std::filesystem::path>> added;
      std::vector<std::uint64_t> retired;
    };
    std::vector<Swap> swaps;
    bool sync = false;
    bool empty() const {
      return used_segments == 0 && items.empty() && releases.empty() && swaps.empty();
    }
    void clear();
  };

  Segment& segment_for(Placement at);  // mutex_ held
  // mutex_ held: whether an append must wake the journal thread. Only the first append after
  // it went idle does, and one that ends its wait for a fuller batch (the batch is full or
  // now needs a sync): a futex wake per append costs the broker thread more than the append.
  bool should_wake();
  void run();
  void process(Batch& batch);
  std::error_code write_segment(Batch& batch, std::size_t index);
  std::error_code activate(Batch& batch, std::size_t index, JournalFile*& file);
  // `path` names the file it tried to make. The first that works after a reported failure logs
  // AMQ142014.
  std::error_code create_free_file(std::filesystem::path& path);
  // After a round that freed files and left none free: makes one (logs only a change).
  void top_up();
  // For an activation that found neither a free file nor room for a new one: frees the files
  // whose release was queued before segment `index`, after syncing what precedes it.
  std::error_code release_early(Batch& batch, std::size_t index);
  // fdatasync of every file written since the last sync; stops at the first failure (logged).
  std::error_code sync_dirty();
  // Marks the file free (durably) and pools or deletes it. On error it stays a data file.
  std::error_code release(std::uint64_t seq);
  void release_or_fail(std::uint64_t seq);
  // Journal thread: enter the failed state; true the first time (log it, then notify once the
  // round's completions are posted).
  bool mark_failed(std::error_code ec);
  void notify_failed(std::error_code ec);
  void swap_in(Batch::Swap& swap);
  void update_file_count();

  const Options options_;
  const Poster post_;
  const util::Logger& log_;
  FileIo& io_;
  const std::shared_ptr<FailureListener> listener_;

  std::mutex mutex_;
  std::condition_variable wake_;
  Batch queued_;                // guarded by mutex_
  std::size_t queued_bytes_ = 0;  // guarded by mutex_
  bool stopping_ = false;         // guarded by mutex_
  bool idle_ = false;             // guarded by mutex_: waiting for work, not yet woken
  bool filling_ = false;          // guarded by mutex_: waiting for a fuller batch
  std::thread thread_;

  // Journal thread only (and the constructor / ensure_files before start).
  Batch work_;
  std::map<std::uint64_t, JournalFile> data_;
  std::vector<JournalFile> free_;
  std::set<std::uint64_t> wrong_size_;
  std::set<std::uint64_t> dirty_;
  std::atomic<std::uint64_t> next_name_;
  std::error_code failure_;
  std::size_t failed_creates_ = 0;        // file creations that failed since one worked
  bool create_failure_reported_ = false;  // one of them was logged (AMQ142005 / AMQ142013)

  std::atomic<std::size_t> backlog_{0};
  std::atomic<bool> failed_{false};
  std::atomic<std::uint64_t> batches_{0};
  util::BucketHistogram<12> sync_latency_us_{
      {{50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000}}};
  util::BucketHistogram<10> sync_appends_{{{1, 2, 4, 8, 16, 32, 64, 128, 256, 1024}}};
  std::atomic<std::uint64_t> file_count_{0};
};

}  // namespace artemis::journal
