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
  if (options_.file_size < kFileHeaderSize + kRecordHeaderSize + 64) return errc::bad_directory;
  RecoveredFiles files;
  index_ = Index{};
  if (auto ec = recover(options_, log_, index_, out, files); ec) return ec;
  next_seq_ = files.max_seq + 1;
  auto writer = std::make_unique<WriterThread>(options_, post_, log_, std::move(files.data),
                                               std::move(files.free), std::move(files.wrong_size),
                                               files.next_name);
  if (auto ec = writer->ensure_files(static_cast<std::size_t>(options_.min_files)); ec) return ec;
  writer->start();
  writer_ = std::move(writer);
  // Appends always start a fresh file: the last file may end in a torn batch whose later
  // records reached the disk out of order; writing after them could make them valid again.
  current_seq_ = 0;
  writer_->enqueue_release(index_.take_reclaimable(0));
  return {};
}

Placement JournalImpl::place(std::uint32_t size) {
  Placement at;
  if (current_seq_ == 0 || current_offset_ + size > options_.file_size) {
    const auto sealed = current_seq_;
    current_seq_ = next_seq_++;
    current_offset_ = kFileHeaderSize;
    index_.add_file(current_seq_);
    at.activate = true;
    if (sealed != 0) after_roll();
  }
  at.seq = current_seq_;
  at.offset = current_offset_;
  current_offset_ += size;
  return at;
}

void JournalImpl::after_roll() { writer_->enqueue_release(index_.take_reclaimable(current_seq_)); }

void JournalImpl::append(const RecordView& r, Sync sync, Completion done) {
  if (!writer_) {
    if (done) post_([done = std::move(done)] { done(errc::closed); });
    return;
  }
  const auto size = encoded_size(r.type, r.payload.size());
  std::error_code refuse;
  if (writer_->failed()) refuse = errc::journal_failed;
  else if (r.payload.size() > options_.file_size || size > options_.file_size - kFileHeaderSize) {
    log_.log(log_codes::kRecordTooLarge, r.payload.size(), options_.file_size - kFileHeaderSize);
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

void JournalImpl::append_add(std::uint64_t id, std::uint8_t user_type,
                             std::span<const std::uint8_t> data, Sync sync, Completion done) {
  append(RecordView{RecordType::add, user_type, id, id, data}, sync, std::move(done));
}

void JournalImpl::append_update(std::uint64_t id, std::uint8_t user_type,
                                std::span<const std::uint8_t> data, Sync sync, Completion done) {
  append(RecordView{RecordType::update, user_type, id, id, data}, sync, std::move(done));
}

void JournalImpl::append_delete(std::uint64_t id, Sync sync, Completion done) {
  append(RecordView{RecordType::del, 0, id, id, {}}, sync, std::move(done));
}

void JournalImpl::append_add_tx(std::uint64_t tx_id, std::uint64_t id, std::uint8_t user_type,
                                std::span<const std::uint8_t> data) {
  append(RecordView{RecordType::add_tx, user_type, id, tx_id, data}, Sync::no, {});
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

void JournalImpl::close() {
  if (!writer_) return;
  writer_->stop();
  writer_.reset();
}

Stats JournalImpl::stats() const {
  Stats s;
  s.appends = appends_;
  s.compactions = compactions_;
  s.live_bytes = index_.live_bytes();
  s.used_bytes = index_.used_bytes();
  if (writer_) {
    s.batches = writer_->batches();
    s.files = writer_->file_count();
  }
  return s;
}

}  // namespace artemis::journal
