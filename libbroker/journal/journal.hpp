#pragma once
// Journal: a generic append-only record log. It knows records (id, user type byte, bytes) and
// transactions, never what a message is (the store layer owns meaning).
//
// Threads: append_*() are called from one owner thread (the broker thread) and never block on
// I/O; records are queued to the journal's own thread, which writes everything pending with one
// pwritev and one fdatasync (group commit) and then runs each append's completion, in append
// order, through the `post` function given at open (the broker posts them onto its io_context).
// load() and close() are called while no appends are in flight.
#include <chrono>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "util/bucket_histogram.hpp"
#include "util/log.hpp"

namespace artemis::journal {

enum class Sync { no, yes };
class FileIo;  // journal/file_io.hpp

struct Options {
  std::filesystem::path directory;
  std::string prefix = "activemq-data";  // files are <prefix>-<n>.<extension>
  std::string extension = "amq";
  std::uint64_t file_size = 10 * 1024 * 1024;
  int min_files = 2;
  int pool_files = -1;          // -1: recycle every reclaimed file, never delete
  int compact_min_files = 10;   // 0 disables compaction
  int compact_percentage = 30;  // compact when live bytes < this % of used bytes
  bool datasync = true;         // false: never fdatasync (survives process crash, not power loss)
  std::chrono::nanoseconds buffer_timeout{0};  // max wait to grow a batch that needs no sync
  std::size_t max_batch_bytes = 490 * 1024;
  // Where writes and syncs go; null is the kernel. Tests inject faults here (FaultyFileIo).
  std::shared_ptr<FileIo> io;
};

// A record's bytes in up to two parts, written back to back: a record with a large part of
// its own (a message body) has it copied once, straight into the journal's write buffer.
struct Payload {
  Payload(std::span<const std::uint8_t> h = {}, std::span<const std::uint8_t> t = {})
      : head(h), tail(t) {}
  // Anything a span views (a vector, an array): one part.
  template <class Bytes>
    requires std::convertible_to<const Bytes&, std::span<const std::uint8_t>>
  Payload(const Bytes& bytes) : head(bytes) {}
  std::size_t size() const { return head.size() + tail.size(); }
  std::span<const std::uint8_t> head;
  std::span<const std::uint8_t> tail;
};

using Completion = std::function<void(std::error_code)>;
using Poster = std::function<void(std::function<void()>)>;
using FailureHandler = std::function<void(std::error_code)>;

struct RecordInfo {
  std::uint64_t id = 0;
  std::uint8_t user_type = 0;
  std::vector<std::uint8_t> data;
  bool is_update = false;
};

struct PreparedTransaction {
  std::uint64_t tx_id = 0;
  std::vector<RecordInfo> records;      // adds/updates enlisted in the transaction
  std::vector<std::uint64_t> deletes;   // ids deleted by it
  std::vector<std::uint8_t> extra;      // prepare payload (e.g. an XID)
};

// What recovery found: committed records in append order (adds, then their updates in order;
// deleted records are gone), transactions still prepared, and what was dropped at the tail.
struct LoadResult {
  std::vector<RecordInfo> records;
  std::vector<PreparedTransaction> prepared;
  std::uint64_t max_id = 0;                 // highest record/tx id seen (for id generators)
  std::size_t dropped_tail_bytes = 0;       // torn or stale bytes ignored at the end
};

struct Stats {
  std::uint64_t appends = 0;
  std::uint64_t batches = 0;  // pwritev + fdatasync rounds
  std::uint64_t files = 0;
  std::uint64_t live_bytes = 0;
  std::uint64_t used_bytes = 0;
  std::uint64_t compactions = 0;
  std::uint64_t last_compaction_pause_us = 0;  // owner-thread time of the last compaction's snapshot + swap
  util::HistogramSnapshot sync_latency_us;     // each round's fdatasync calls, microseconds
  util::HistogramSnapshot sync_appends;        // appends a synced round made durable
};

class Journal {
 public:
  virtual ~Journal() = default;

  // Opens or creates the directory, replays every file and returns what survived. On a disk
  // too full for the journal-min-files pool (errc::disk_full) it still opens with the files it
  // has, logs AMQ142013, and appends go on in the last data file, then in free and reclaimed
  // files; an append that needs a new file when there is none fails like any write on a full
  // disk (on_failure). Any other failure to create a file fails the load.
  virtual std::error_code load(LoadResult& out) = 0;

  // Non-transactional records. `done` runs (via the poster) once the record is durable
  // (or written, when sync is no / datasync is off), or with an error (e.g. disk full).
  virtual void append_add(std::uint64_t id, std::uint8_t user_type, Payload data, Sync sync,
                          Completion done) = 0;
  virtual void append_update(std::uint64_t id, std::uint8_t user_type,
                             std::span<const std::uint8_t> data, Sync sync, Completion done) = 0;
  virtual void append_delete(std::uint64_t id, Sync sync, Completion done) = 0;

  // Transactional records become visible only with append_commit.
  virtual void append_add_tx(std::uint64_t tx_id, std::uint64_t id, std::uint8_t user_type,
                             Payload data) = 0;
  virtual void append_update_tx(std::uint64_t tx_id, std::uint64_t id, std::uint8_t user_type,
                                std::span<const std::uint8_t> data) = 0;
  virtual void append_delete_tx(std::uint64_t tx_id, std::uint64_t id) = 0;
  virtual void append_prepare(std::uint64_t tx_id, std::span<const std::uint8_t> extra, Sync sync,
                              Completion done) = 0;
  virtual void append_commit(std::uint64_t tx_id, Sync sync, Completion done) = 0;
  virtual void append_rollback(std::uint64_t tx_id, Sync sync, Completion done) = 0;

  // Runs `done` once everything appended before it is durable.
  virtual void flush(Completion done) = 0;
  // A write, sync or file creation failed (EIO, disk full, a failed fdatasync whose dirty pages
  // the kernel may already have dropped): `fn` runs once, through the poster, after that
  // round's completions. From then on every append fails (errc::journal_failed) until the
  // journal is closed and loaded again, so nothing appended later is ever confirmed. Call
  // before load(); `fn` is not called after close().
  virtual void on_failure(FailureHandler fn) = 0;
  // Waits for pending appends, stops the journal thread, closes files.
  virtual void close() = 0;
  virtual Stats stats() const = 0;
};

std::unique_ptr<Journal> make_journal(Options options, Poster post, const util::Logger& log);

}  // namespace artemis::journal
