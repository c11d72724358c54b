#include "journal/journal_impl.hpp"

#include "journal/errors.hpp"
#include "journal/log_codes.hpp"
#include "journal/recovery.hpp"
#include "util/assert.hpp"

namespace artemis::journal {

std::unique_ptr<Journal> make_journal(Options options, Poster post, const util::Logger& log) {
  return std::make_unique<JournalImpl>(std::move(options), std::move(post), log);
}

JournalImpl::JournalImpl(Options options, Poster post, const util::Logger& log)
    : options_(std::move(options)), post_(std::move(post)), log_(log) {
  options_.min_files = std::max(options_.min_files, 2);
}

JournalImpl::~JournalImpl() { close(); }

std::error_code JournalImpl::load(LoadResult& out) {
  BROKER_ASSERT(!writer_, "journal loaded twice");
  // Offsets are 32-bit in the index; below 4 KiB almost nothing fits.
  if (options_.file_size < 4096 || options_.file_size > UINT32_MAX) return errc::bad_options;
  RecoveredFiles files;
  index_.clear();
  if (auto ec = recover(options_, log_, index_, out, files); ec) return ec;
  next_seq_ = files.max_seq + 1;
  auto writer = std::make_unique<WriterThread>(options_, post_, log_, std::move(files.data),
                                               std::move(files.free), std::move(files.wrong_size),
                                               files.next_name, failure_listener_);
  // Freed before the pool is topped up: each file freed here is one less to create, and on a
  // full disk the only room there is.
  if (auto ec = writer->release_now(index_.take_reclaimable(0)); ec) return ec;
  // Appends start a fresh file (on a full disk, see resume_last_file): the last file may end
  // in a torn batch whose later records reached the disk out of order; writing after them
  // could make them valid again.
  current_seq_ = 0;
  if (auto ec = writer->ensure_files(static_cast<std::size_t>(options_.min_files)); ec) {
    if (ec != errc::disk_full) return ec;
    if (auto rec = resume_last_file(*writer, files.tails); rec) return rec;
    const auto free = writer->free_count();
    const auto where = current_seq_ != 0 ? fmt::format("appends go on in the last one, sequence {}",
                                                       current_seq_)
                       : free > 0        ? std::string("appends go on in the free ones")
                                         : std::string("the next append fails");
    log_.log(log_codes::kPoolShort, options_.directory.string(), writer->file_count(), free,
             where);
  }
  writer->start();
  writer_ = std::move(writer);
  return {};
}

std::error_code JournalImpl::resume_last_file(WriterThread& writer,
                                              const std::map<std::uint64_t, FileTail>& tails) {
  // The disk has no room for a new file: the room left in the last data file is worth more
  // than a fresh start. It is made like a fresh file first: whatever follows its last valid
  // record is zeroed and synced, so nothing appended there can make a stale record valid.
  if (index_.files().empty()) return {};
  const auto seq = index_.files().rbegin()->first;
  const auto it = tails.find(seq);  // none: the file has the wrong size
  if (it == tails.end() || it->second.end + kRecordHeaderSize >= options_.file_size) return {};
  if (auto ec = writer.clear_tail(seq, it->second.end, it->second.dirty_end); ec) {
    return ec == errc::disk_full ? std::error_code{} : ec;  // a copy-on-write file system
  }
  current_seq_ = seq;
  current_offset_ = it->second.end;
  return {};
}

Placement JournalImpl::place(std::uint32_t size) {
  Placement at;
  if (current_seq_ == 0 || current_offset_ + size > options_.file_size) {
    if (current_seq_ != 0) {
      current_seq_ = 0;  // every file in the index is sealed now
      after_roll();      // may start a compaction, which reserves sequences below the next
    }
    current_seq_ = next_seq_++;
    current_offset_ = kFileHeaderSize;
    index_.add_file(current_seq_);
    at.activate = true;
  }
  at.seq = current_seq_;
  at.offset = current_offset_;
  current_offset_ += size;
  return at;
}

void JournalImpl::after_roll() {
  if (compacting_) return;
  writer_->enqueue_release(index_.take_reclaimable(current_seq_));
  maybe_compact();
}

void JournalImpl::maybe_compact() {
  if (compacting_ || options_.compact_min_files <= 0 || writer_->failed()) return;
  std::uint64_t sealed = 0, live = 0;
  for (const auto& [seq, f] : index_.files()) {
    if (seq == current_seq_) continue;
    ++sealed;
    live += f.live_bytes;
  }
  if (sealed < static_cast<std::uint64_t>(options_.compact_min_files)) return;
  if (live * 100 >= static_cast<std::uint64_t>(options_.compact_percentage) * sealed * options_.file_size) {
    return;
  }
  start_compaction();
}

void JournalImpl::start_compaction() {
  const auto started = std::chrono::steady_clock::now();
  // Seal the current file and reserve the sequences just below the next one for the output:
  // after the swap the compacted files sort after nothing newer than what they replace.
  std::vector<std::uint64_t> sealed;
  for (const auto& [seq, f] : index_.files()) sealed.push_back(seq);
  CompactionJob job;
  job.options = options_;
  job.sealed = sealed;
  for (std::size_t i = 0; i < sealed.size(); ++i) job.reserved.push_back(next_seq_++);
  job.first_name = writer_->reserve_names(sealed.size());
  for (const auto& loc : index_.live_locations_below(UINT64_MAX)) job.live.insert({loc.seq, loc.offset});
  current_seq_ = 0;  // the next append starts a new file
  compacting_ = true;
  const auto pause = std::chrono::steady_clock::now() - started;
  // Start copying once every sealed file is durable.
  auto run = std::make_shared<CompactionRun>();
  run->sealed = sealed;
  run->started = started;
  run->pause = pause;
  compaction_run_ = run;
  std::weak_ptr<int> alive = alive_;
  flush([this, alive, run, job = std::move(job)](std::error_code ec) mutable {
    if (alive.expired()) return;
    if (ec) {
      compacting_ = false;
      compaction_run_.reset();
      log_.log(log_codes::kCompactFailed, ec.message());
      return;
    }
    compactor_ = std::thread([this, alive, run, job = std::move(job)] {
      run->output = run_compaction(job, log_);
      post_([this, alive] {
        if (!alive.expired()) finish_compaction();
      });
    });
  });
}

// Owner thread, when the compactor has finished (or from close()).
void JournalImpl::finish_compaction() {
  using namespace std::chrono;
  if (compactor_.joinable()) compactor_.join();
  auto run = std::move(compaction_run_);
  compacting_ = false;
  if (!run || run->applied) return;
  run->applied = true;
  auto& output = run->output;
  if (output.ec || !writer_) {
    log_.log(log_codes::kCompactFailed, output.ec.message());
    return;
  }
  const auto swap_start = steady_clock::now();
  std::vector<std::uint64_t> added;
  for (const auto& [seq, path] : output.files) added.push_back(seq);
  index_.relocate(output.moved, run->sealed, added);
  writer_->enqueue_compaction_swap(std::move(output.files), run->sealed);
  ++compactions_;
  const auto pause = run->pause + (steady_clock::now() - swap_start);
  log_.log(log_codes::kCompactDone, run->sealed.size(), added.size(), output.records,
           duration_cast<milliseconds>(steady_clock::now() - run->started).count(),
           duration_cast<microseconds>(pause).count());
  last_compaction_pause_ = duration_cast<nanoseconds>(pause);
  writer_->enqueue_release(index_.take_reclaimable(current_seq_));
}

void JournalImpl::append(const RecordView& r, Sync sync, Completion done) {
  if (!writer_) {
    if (done) post_([done = std::move(done)] { done(errc::closed); });
    return;
  }
  const auto size = encoded_size(r.type, r.payload_size());
  std::error_code refuse;
  if (writer_->failed()) refuse = errc::journal_failed;
  else if (r.payload_size() > options_.file_size || size > options_.file_size - kFileHeaderSize) {
    log_.log(log_codes::kRecordTooLarge, r.payload_size(), options_.file_size - kFileHeaderSize);
    refuse = errc::record_too_large;
  } else if (writer_->backlog() + size > WriterThread::kMaxBacklogBytes) {
    refuse = errc::backlog_full;
  }
  if (refuse) {
    // Through the writer so completions stay in append order. A refused tx record has no
    // completion of its own: the transaction's prepare or commit fails instead.
    if (has_tx_field(r.type)) broken_txs_.insert(r.tx_id);
    if (done) writer_->enqueue_completion(std::move(done), refuse, Sync::no);
    return;
  }
  const auto at = place(size);
  const Loc loc{at.seq, static_cast<std::uint32_t>(at.offset), size};
  switch (r.type) {
    case RecordType::add: index_.on_add(r.id, loc); break;
    case RecordType::update: index_.on_update(r.id, loc); break;
    case RecordType::del: index_.on_delete(r.id, loc); break;
    case RecordType::add_tx:
    case RecordType::update_tx:
    case RecordType::delete_tx: index_.on_tx_record(r.type, r.tx_id, r.id, loc); break;
    case RecordType::prepare: index_.on_prepare(r.tx_id, loc); break;
    case RecordType::commit: index_.on_commit(r.tx_id, loc); break;
    case RecordType::rollback: index_.on_rollback(r.tx_id, loc); break;
  }
  ++appends_;
  writer_->enqueue(at, size, [&](std::uint8_t* out) { encode_record(r, at.seq, out); }, sync,
                   std::move(done));
}

void JournalImpl::append_add(std::uint64_t id, std::uint8_t user_type, Payload data, Sync sync,
                             Completion done) {
  append(RecordView{RecordType::add, user_type, id, id, data.head, data.tail}, sync,
         std::move(done));
}

void JournalImpl::append_update(std::uint64_t id, std::uint8_t user_type,
                                std::span<const std::uint8_t> data, Sync sync, Completion done) {
  append(RecordView{RecordType::update, user_type, id, id, data}, sync, std::move(done));
}

void JournalImpl::append_delete(std::uint64_t id, Sync sync, Completion done) {
  append(RecordView{RecordType::del, 0, id, id, {}}, sync, std::move(done));
}

void JournalImpl::append_add_tx(std::uint64_t tx_id, std::uint64_t id, std::uint8_t user_type,
                                Payload data) {
  append(RecordView{RecordType::add_tx, user_type, id, tx_id, data.head, data.tail}, Sync::no, {});
}

void JournalImpl::append_update_tx(std::uint64_t tx_id, std::uint64_t id, std::uint8_t user_type,
                                   std::span<const std::uint8_t> data) {
  append(RecordView{RecordType::update_tx, user_type, id, tx_id, data}, Sync::no, {});
}

void JournalImpl::append_delete_tx(std::uint64_t tx_id, std::uint64_t id) {
  append(RecordView{RecordType::delete_tx, 0, id, tx_id, {}}, Sync::no, {});
}

bool JournalImpl::refuse_broken(std::uint64_t tx_id, Completion& done) {
  if (broken_txs_.erase(tx_id) == 0) return false;
  // A record of this transaction was refused: it must not become visible. Rolling it back
  // also releases the records it did write.
  append(RecordView{RecordType::rollback, 0, tx_id, tx_id, {}}, Sync::no, {});
  if (done) writer_->enqueue_completion(std::move(done), errc::record_too_large, Sync::no);
  return true;
}

void JournalImpl::append_prepare(std::uint64_t tx_id, std::span<const std::uint8_t> extra,
                                 Sync sync, Completion done) {
  if (refuse_broken(tx_id, done)) return;
  append(RecordView{RecordType::prepare, 0, tx_id, tx_id, extra}, sync, std::move(done));
}

void JournalImpl::append_commit(std::uint64_t tx_id, Sync sync, Completion done) {
  if (refuse_broken(tx_id, done)) return;
  append(RecordView{RecordType::commit, 0, tx_id, tx_id, {}}, sync, std::move(done));
}

void JournalImpl::append_rollback(std::uint64_t tx_id, Sync sync, Completion done) {
  broken_txs_.erase(tx_id);
  append(RecordView{RecordType::rollback, 0, tx_id, tx_id, {}}, sync, std::move(done));
}

void JournalImpl::flush(Completion done) {
  if (!writer_) {
    post_([done = std::move(done)] { done(errc::closed); });
    return;
  }
  writer_->enqueue_completion(std::move(done), {}, Sync::yes);
}

void JournalImpl::on_failure(FailureHandler fn) { failure_listener_->handler = std::move(fn); }

void JournalImpl::close() {
  alive_ = std::make_shared<int>(0);  // completions still queued for us do nothing
  failure_listener_->handler = nullptr;  // nor a failure notification
  if (compactor_.joinable()) {
    // A running compaction finishes here; if it had not started copying yet it is dropped
    // (nothing was written for it).
    finish_compaction();
  }
  compaction_run_.reset();
  compacting_ = false;
  if (!writer_) return;
  writer_->stop();
  writer_.reset();
}

Stats JournalImpl::stats() const {
  Stats s;
  s.appends = appends_;
  s.compactions = compactions_;
  s.last_compaction_pause_us =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(last_compaction_pause_).count());
  s.live_bytes = index_.live_bytes();
  s.used_bytes = index_.used_bytes();
  if (writer_) {
    s.batches = writer_->batches();
    s.files = writer_->file_count();
    s.sync_latency_us = writer_->sync_latency_us();
    s.sync_appends = writer_->sync_appends();
  }
  return s;
}

}  // namespace artemis::journal
