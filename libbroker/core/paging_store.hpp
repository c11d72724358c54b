#pragma once
// PagingStore: the page files of one address and the cursors of the queues that read them
// (reference §5). While the address pages, a message routed to it is appended to the current
// page file (with the queues it was routed to) instead of being written to the journal and held
// in memory; each of those queues has a cursor that reads the pages back in order and hands the
// messages to the queue a window at a time (max-read-page-messages / max-read-page-bytes), as
// its consumers acknowledge them.
//
// An ack of a paged message is a page_cursor_ack journal record; once a queue has read a page
// to its end and every message it took from it is acknowledged, one page_cursor_complete record
// replaces its acks. A page every interested queue has completed is deleted, then its complete
// records. The address leaves page mode when every cursor has read every page.
//
// Page files: <paging-directory>/<store id as 16 hex digits>/address.txt (the address name) and
// 000000001.page ...; a store starts a new page file after each restart, so a torn tail is
// never appended to. Broker thread only; page writes go through the PageWriter thread.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "core/message.hpp"
#include "core/queue.hpp"
#include "store/page_file.hpp"
#include "store/page_writer.hpp"
#include "store/storage_manager.hpp"
#include "util/log.hpp"

namespace artemis::core {

class PagingHost {
 public:
  virtual ~PagingHost() = default;
  virtual Queue* paged_queue(std::uint64_t id) = 0;  // nullptr once the queue is deleted
  virtual const ResolvedAddressSettings& settings_for(const std::string& address) = 0;
  virtual util::Scheduler& scheduler() = 0;
  // Fewer bytes than a page wait to be written: producers held back may go on.
  virtual void paging_drained(const std::string& address) = 0;
  // "size=…" as the limits are logged.
  virtual std::string limits_text(const std::string& address) = 0;
  // The address is over its limits: it keeps paging even when every page has been read.
  virtual bool address_full(const std::string& address) = 0;
};

struct PagingCounters {
  std::size_t pages = 0;
  std::uint64_t page_bytes = 0;
  std::uint64_t paged_messages = 0;  // records in the page files still kept
};

class PagingStore {
 public:
  struct Deps {
    store::StorageManager& storage;
    store::PageWriter& writer;
    PagingHost& host;
    const util::Logger& log;
    const std::filesystem::path& large_messages;  // where large messages' bodies are
  };
  PagingStore(std::string address, std::uint64_t id, std::filesystem::path folder, Deps deps);
  ~PagingStore();
  PagingStore(const PagingStore&) = delete;
  PagingStore& operator=(const PagingStore&) = delete;

  const std::string& address() const { return address_; }
  std::uint64_t id() const { return id_; }
  const std::filesystem::path& folder() const { return folder_; }
  bool paging() const { return paging_; }
  PagingCounters counters() const;

  // A new store's folder and address.txt.
  std::error_code create();
  // Start-up: the page files the folder holds (their records' headers; no message is decoded).
  // `transactions`: this store's committed paged transactions; a record of any other
  // transaction never counts. Their records whose page is gone go to `stale`.
  std::error_code load(const std::vector<store::PageTransactionRecord>& transactions,
                       std::vector<std::uint64_t>& stale);
  // Start-up, after load(): a cursor record of this store. False when it names a queue or page
  // that is gone (the caller deletes the record).
  bool restore(const store::PageCursorRecord& r, bool complete);
  // Start-up, after every restore(): cursors for the queues that still exist, pages every
  // queue has completed deleted, page mode if pages remain, the first windows read.
  void finish_load();

  void start_paging();
  // Appends the message for these queues to the current page; `stored` runs once it is on disk
  // (synced when the message is durable). Then visible() or failed() must follow, as publish()
  // or discard() follow a journal write.
  // In a transaction (tx_id), the message counts only once the transaction has committed with
  // a page_transaction record for its page (note_transaction).
  PagePosition page(const MessagePtr& m, std::span<const std::uint64_t> queue_ids,
                    std::function<void(std::error_code)> stored,
                    std::int64_t tx_id = store::no_page_tx);
  // The page_transaction record written for a page: deleted with the page.
  void note_transaction(std::uint32_t page, std::uint64_t record_id);
  void visible(PagePosition at);
  void failed(PagePosition at);
  // A paged message left the queue for good (acknowledged, expired, dead-lettered).
  void acked(std::uint64_t queue_id, const MessageRef& ref);
  // The queue was purged: it reads nothing more of what is paged so far.
  void purge(std::uint64_t queue_id);
  // The queue is deleted: its cursor and cursor records go.
  void queue_deleted(std::uint64_t queue_id);
  // A page (at most 2 MiB) is waiting to be written: producers wait (reference §5.4).
  bool backlogged() const;
  // Reads into every queue's window what fits. A queue without consumers reads nothing: what
  // it would read would only wait in memory (its window fills once a consumer comes).
  void depage();
  // The queue has a consumer now: its window is filled (posted, as an ack's depage is).
  void wake(std::uint64_t queue_id);
  // Adds the ids of the large messages its pages hold: their body files are the pages' and go
  // with them.
  void large_messages(std::set<std::uint64_t>& out) const;

 private:
  enum class EntryState : std::uint8_t { pending, visible, failed };
  // A record of the page being written, kept until the page is closed and all of it is on
  // disk (its state decides what a cursor may read). The message itself is kept only while a
  // queue is about to read it; otherwise the cursor reads the record back from the file.
  struct Entry {
    MessagePtr message;
    std::vector<std::uint64_t> queue_ids;
    std::uint32_t bytes = 0;   // the record's size in the file
    std::uint32_t unread = 0;  // queues still to read `message`
    EntryState state = EntryState::pending;
    bool for_queue(std::uint64_t id) const;
  };
  struct Page {
    std::uint32_t number = 0;
    std::uint32_t records = 0;
    std::uint64_t bytes = 0;
    bool previous_run = false;  // written before the restart: its non-durable messages are gone
    std::set<std::uint64_t> queues;         // queues some record of it is for
    std::vector<std::uint32_t> failed;  // indexes never read back (write failed, tx not committed)
    std::vector<std::uint64_t> tx_records;  // its page_transaction records
    std::vector<std::uint64_t> large_ids;   // its large messages: their files go with it
    std::uint32_t pending = 0;              // entries not yet visible or failed
    std::shared_ptr<store::PageFile> file;  // while it is the current page
    std::vector<Entry> live;                // while current or entries are pending
  };
  struct CursorPage {
    std::uint32_t in_memory = 0;  // handed to the queue, not yet acknowledged
    std::vector<std::uint64_t> ack_records;
    std::set<std::uint32_t> acked;  // acknowledged before the restart: not read again
    bool passed = false;            // read to its end
  };
  struct Cursor {
    std::uint32_t page = 0;  // the next record to read: its page, index and file offset
    std::uint32_t index = 0;
    std::uint64_t offset = 0;
    store::PageFileReader reader;  // open on `page` while records are read from the file
    std::map<std::uint32_t, CursorPage> open;
    std::map<std::uint32_t, std::uint64_t> completed;  // page -> its complete record
    std::int64_t messages = 0;                         // in memory (waiting or delivering)
    std::int64_t bytes = 0;
  };
  // What reading the cursor's next record gave.
  struct Read {
    enum { wait, skip, take } what = skip;
    MessagePtr message;
  };

  void open_page();
  void close_current();
  Read read_next(std::uint64_t queue_id, Cursor& c, Page& p);
  MessagePtr read_from_file(std::uint64_t queue_id, Cursor& c, const Page& p, std::uint32_t index);
  void move_to(Cursor& c, std::uint32_t page);
  Entry* entry_at(PagePosition at);
  void request_depage();
  void depage(std::uint64_t queue_id, Cursor& c);
  bool room(const Cursor& c, const ResolvedAddressSettings& s) const;
  void passed(std::uint64_t queue_id, Cursor& c, std::uint32_t page);
  void complete(std::uint64_t queue_id, Cursor& c, std::uint32_t page);
  void maybe_delete(std::uint32_t page);
  void delete_finished_pages();  // every page no queue still needs
  void maybe_leave();
  bool has_unread(std::uint64_t queue_id, const Cursor& c) const;
  Cursor& cursor(std::uint64_t queue_id);

  std::string address_;
  std::uint64_t id_;
  std::filesystem::path folder_;
  Deps deps_;
  bool paging_ = false;
  std::map<std::uint32_t, Page> pages_;
  std::uint32_t current_ = 0;  // the page being written; 0 while none is
  std::uint32_t next_page_ = 1;
  std::map<std::uint64_t, Cursor> cursors_;  // by queue id
  std::uint64_t pending_bytes_ = 0;          // handed to the writer, not yet written
  bool depage_requested_ = false;
  bool depaging_ = false;
  bool writing_ = false;  // inside page(): rolling a page must not end page mode under it
  // The bodies of paged large messages held in memory: one per message however many queues
  // read it, so the page's deletion can leave the file to its last reader.
  std::unordered_map<std::uint64_t, std::weak_ptr<store::LargeBody>> large_bodies_;
  std::shared_ptr<store::LargeBody> large_body(const store::MessageRecord& r);
  void remove_large_bodies(const Page& p);
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace artemis::core
