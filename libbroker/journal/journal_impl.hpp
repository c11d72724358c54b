#pragma once
// The Journal implementation (the appender side). Thread: the owner (broker) thread calls
// everything; it places each record (file sequence + offset), updates the live index, and
// queues the bytes to the WriterThread, so it never waits for I/O. Rolling to a new file, the
// reclaim of dead files and the compaction trigger are decided here.
#include <chrono>
#include <memory>
#include <thread>
#include <unordered_set>

#include "journal/compactor.hpp"
#include "journal/index.hpp"
#include "journal/journal.hpp"
#include "journal/recovery.hpp"
#include "journal/writer_thread.hpp"

namespace artemis::journal {


class JournalImpl final : public Journal {
 public:
  JournalImpl(Options options, Poster post, const util::Logger& log);
  ~JournalImpl() override;

  std::error_code load(LoadResult& out) override;
  void append_add(std::uint64_t id, std::uint8_t user_type, Payload data, Sync sync,
                  Completion done) override;
  void append_update(std::uint64_t id, std::uint8_t user_type, std::span<const std::uint8_t> data,
                     Sync sync, Completion done) override;
  void append_delete(std::uint64_t id, Sync sync, Completion done) override;
  void append_add_tx(std::uint64_t tx_id, std::uint64_t id, std::uint8_t user_type,
                     Payload data) override;
  void append_update_tx(std::uint64_t tx_id, std::uint64_t id, std::uint8_t user_type,
                        std::span<const std::uint8_t> data) override;
  void append_delete_tx(std::uint64_t tx_id, std::uint64_t id) override;
  void append_prepare(std::uint64_t tx_id, std::span<const std::uint8_t> extra, Sync sync,
                      Completion done) override;
  void append_commit(std::uint64_t tx_id, Sync sync, Completion done) override;
  void append_rollback(std::uint64_t tx_id, Sync sync, Completion done) override;
  void flush(Completion done) override;
  void on_failure(FailureHandler fn) override;
  void close() override;
  Stats stats() const override;

 private:
  void append(const RecordView& record, Sync sync, Completion done);
  // Load on a full disk: appends go on in the last data file if it has room.
  std::error_code resume_last_file(WriterThread& writer,
                                   const std::map<std::uint64_t, FileTail>& tails);
  Placement place(std::uint32_t size);
  void after_roll();
  void maybe_compact();
  void start_compaction();
  void finish_compaction();
  bool refuse_broken(std::uint64_t tx_id, Completion& done);

  Options options_;
  Poster post_;
  const util::Logger& log_;
  Index index_;
  std::unique_ptr<WriterThread> writer_;
  std::shared_ptr<FailureListener> failure_listener_ = std::make_shared<FailureListener>();
  std::uint64_t current_seq_ = 0;  // 0: no current file yet (the first append starts one)
  std::uint64_t current_offset_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t appends_ = 0;
  std::uint64_t compactions_ = 0;
  std::unordered_set<std::uint64_t> broken_txs_;  // a record of these was refused
  // Compaction: reclaim pauses while it runs (the compactor reads the sealed files).
  bool compacting_ = false;
  std::thread compactor_;
  // Written by the compactor thread before it ends; read on the owner thread after a join.
  struct CompactionRun {
    CompactionOutput output;
    std::vector<std::uint64_t> sealed;
    std::chrono::steady_clock::time_point started;
    std::chrono::nanoseconds pause{0};
    bool applied = false;
  };
  std::shared_ptr<CompactionRun> compaction_run_;
  // Completions posted by the compactor check this is still alive (the journal may be gone).
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  std::chrono::nanoseconds last_compaction_pause_{0};
};

}  // namespace artemis::journal
