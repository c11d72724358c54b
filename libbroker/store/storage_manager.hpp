#pragma once
// StorageManager: maps broker state onto the two journals (record_types.hpp).
//   bindings journal  addresses, queues, the id counter
//   message journal   messages, their per-queue refs and acks, delivery counts, duplicate ids
// Built without journals (persistence-enabled=false) every operation completes at once and
// nothing touches the disk. Non-durable messages never reach this class.
//
// Thread: broker thread only. Completions arrive on the broker thread through the journal's
// Poster; a durable send is confirmed only from its completion (after fdatasync).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "journal/journal.hpp"
#include "store/cursor_records.hpp"
#include "store/encodings.hpp"
#include "util/log.hpp"

namespace artemis::store {

struct LoadedRef {
  std::uint64_t queue_id = 0;
  std::uint32_t delivery_count = 0;
};

struct LoadedMessage {
  MessageRecord message;
  std::vector<LoadedRef> refs;  // queues still holding it, in the order they were added
};

// What the journals held, handed to the core in order: addresses, then queues, then messages
// in message-id (= arrival) order.
struct LoadedState {
  std::vector<AddressRecord> addresses;
  std::vector<QueueRecord> queues;
  std::vector<LoadedMessage> messages;
  std::vector<DuplicateIdRecord> duplicate_ids;  // in id (= arrival) order
  std::vector<PageCursorRecord> cursor_acks;     // paged messages acknowledged
  std::vector<PageCursorRecord> page_completes;  // pages a queue is done with
  std::vector<PageTransactionRecord> page_transactions;  // committed paged transactions
  std::size_t bad_records = 0;                   // bodies that did not decode (logged)
};

class StorageManager {
 public:
  // Both journals or neither (persistence disabled).
  StorageManager(std::unique_ptr<journal::Journal> bindings,
                 std::unique_ptr<journal::Journal> messages, const util::Logger& log);
  ~StorageManager();
  StorageManager(const StorageManager&) = delete;
  StorageManager& operator=(const StorageManager&) = delete;

  bool persistent() const { return messages_ != nullptr; }

  // Replays both journals. Call once, before anything else.
  std::error_code load(LoadedState& out);
  // Ids for messages, queues, addresses, transactions and duplicate-id records: unique across
  // restarts (reserved in blocks through the id_counter record).
  std::uint64_t next_id();

  void add_address(const AddressRecord& r);
  void update_address(const AddressRecord& r);
  void delete_address(std::uint64_t id);
  void add_queue(const QueueRecord& r);
  void update_queue(const QueueRecord& r);
  void delete_queue(std::uint64_t id);

  // A durable message, its refs on durable queues and, when given, its duplicate-id record,
  // with one sync; `done` runs once all are on disk. With a duplicate id all three are one
  // journal transaction (as in Artemis), so after a crash either all of them are there or none
  // is: a client resending an unconfirmed message is never dropped for a message the disk lost,
  // and never stored twice because its duplicate id was lost while the message survived.
  // Returns the duplicate-id record id (0 when none was written).
  std::uint64_t store_message(const MessageRecord& m, std::span<const std::uint64_t> queue_ids,
                              std::optional<std::string_view> duplicate_id,
                              journal::Completion done);
  // "No duplicate id" is std::nullopt: a null pointer would read as an empty id.
  std::uint64_t store_message(const MessageRecord&, std::span<const std::uint64_t>, std::nullptr_t,
                              journal::Completion) = delete;
  // The same inside a transaction: visible only after commit_tx.
  std::uint64_t store_message_tx(std::uint64_t tx_id, const MessageRecord& m,
                                 std::span<const std::uint64_t> queue_ids,
                                 std::optional<std::string_view> duplicate_id);
  std::uint64_t store_message_tx(std::uint64_t, const MessageRecord&, std::span<const std::uint64_t>,
                                 std::nullptr_t) = delete;
  void commit_tx(std::uint64_t tx_id, journal::Completion done);
  void rollback_tx(std::uint64_t tx_id);

  // The message left queue_id; last_ref deletes the message record itself.
  void ack(std::uint64_t message_id, std::uint64_t queue_id, bool last_ref);
  void update_delivery_count(std::uint64_t message_id, std::uint64_t queue_id,
                             std::uint32_t count);

  // Returns the record id to delete it with when the id leaves the cache.
  std::uint64_t add_duplicate_id(const std::string& address, std::string_view duplicate_id);
  // The record of a duplicate id whose record id was taken earlier (next_id()), written once
  // its message is on disk elsewhere (a page file): synced, then `done`. The same inside a
  // transaction (visible with commit_tx).
  void add_duplicate_id(std::uint64_t record_id, const std::string& address,
                        std::string_view duplicate_id, journal::Completion done);
  void add_duplicate_id_tx(std::uint64_t tx_id, std::uint64_t record_id, const std::string& address,
                           std::string_view duplicate_id);
  void delete_duplicate_id(std::uint64_t record_id);

  // Page cursors (reference §5.5; page files themselves are core/paging's). A paged message
  // acknowledged on a queue; returns the record's id. No sync of its own, as acks.
  std::uint64_t add_cursor_ack(std::uint64_t store_id, std::uint64_t queue_id, std::uint32_t page,
                               std::uint32_t index);
  // The queue is done with the page: one record replaces its acks, in one transaction.
  std::uint64_t complete_page(std::uint64_t store_id, std::uint64_t queue_id, std::uint32_t page,
                              std::span<const std::uint64_t> ack_records);
  // In transaction tx_id: its paged messages on this page count once it commits.
  std::uint64_t add_page_transaction(std::uint64_t tx_id, std::uint64_t store_id,
                                     std::uint32_t page);
  // A paging record that is no longer needed (its page or queue is gone).
  void delete_paging_record(std::uint64_t id);
  // A page file failed to write or sync: the same critical error as a journal's.
  void report_io_failure(std::error_code ec) { report_critical(ec); }

  // Runs done once everything appended before is durable.
  void flush(journal::Completion done);
  // `done` itself when every address and queue record appended so far is on disk; otherwise
  // a completion that runs `done` only once the bindings journal has synced them as well (the
  // first error wins). The two journals sync on their own threads, so without it a message
  // routed to a queue created a moment ago could be confirmed before the queue's record is
  // written; after a crash the message would load without its queue, and be dropped.
  journal::Completion after_bindings(journal::Completion done);

  // A critical I/O error: the first write, sync or file-creation failure of either journal
  // (journal::Journal::on_failure). `fn` runs once per StorageManager, on the broker thread,
  // after the failed round's completions; if the failure came before `fn` was installed, `fn`
  // runs at once, from this call. The failed journal refuses every later append, so nothing is
  // confirmed after it; the server's answer is to stop (Artemis's critical-IO-error policy).
  // Not called after close().
  void on_critical_error(std::function<void(std::error_code)> fn);
  std::error_code critical_error() const { return critical_; }
  void close();
  journal::Stats message_stats() const;

 private:
  void load_bindings(const journal::LoadResult& r, LoadedState& out);
  void load_messages(const journal::LoadResult& r, LoadedState& out);
  void report_critical(std::error_code ec);
  // The completion of a synced bindings append: counted in bindings_unsynced_ until it runs.
  journal::Completion binding_written();
  // A message's record head into encode_buffer_ (its body follows); returns the record type.
  std::uint8_t encode_message_record(const MessageRecord& m);

  std::unique_ptr<journal::Journal> bindings_;
  std::unique_ptr<journal::Journal> messages_;
  const util::Logger& log_;
  std::uint64_t next_id_ = 1;
  std::uint64_t reserved_up_to_ = 0;   // ids below this are covered by the counter on disk
  std::uint64_t counter_record_id_ = 0;  // 0 = not written yet
  bool closed_ = false;
  // Address and queue records appended and not yet durable. Shared with their completions,
  // which the poster may run after this object is gone.
  std::shared_ptr<std::uint64_t> bindings_unsynced_ = std::make_shared<std::uint64_t>(0);
  std::function<void(std::error_code)> on_critical_;
  std::error_code critical_;        // the first journal failure; reported once
  bool critical_reported_ = false;
  // Message records are encoded here and copied into the journal's batch by the append, so
  // one buffer serves every message (a body-sized allocation per message costs more than
  // the rest of the encoding).
  std::vector<std::uint8_t> encode_buffer_;
};

}  // namespace artemis::store
