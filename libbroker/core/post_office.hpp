#pragma once
// PostOffice: the addresses and queues of the broker and the routing between them.
//
// Routing (reference §1.1): resolve the address (FQQN narrows to one queue), drop duplicates
// (_AMQ_DUPL_ID, per-address cache), keep the candidate queues of the message's routing type
// (all when it has none), then: ONE anycast queue whose filter matches (round-robin over the
// address's anycast group) and EVERY multicast queue whose filter matches. With wildcard
// routing on, queues bound to a wildcard address that matches (e.g. `news.#`) are candidates
// too. Durable messages are written with a ref per durable queue; the send completes once that
// is on disk.
//
// Auto-creation (§1.6) is split in two so the protocol can authorise it in between:
// plan_auto_create() says what would be created (or why not), apply_auto_create() does it.
//
// Broker thread only. Sole owner of Queue objects.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "config/broker_config.hpp"
#include "core/address.hpp"
#include "core/address_settings.hpp"
#include "core/auto_delete.hpp"
#include "core/destination.hpp"
#include "core/duplicate_cache.hpp"
#include "core/large_upload.hpp"
#include "core/management_handler.hpp"
#include "core/paging_store.hpp"
#include "core/queue.hpp"
#include "store/page_writer.hpp"
#include "store/storage_manager.hpp"
#include "util/log.hpp"
#include "util/scheduler.hpp"

namespace artemis::core {

class ServerSession;
using SendCompletion = std::function<void(std::error_code)>;

// What the error a store completion of route() or route_transaction() got means to the sender:
// a journal failure becomes storage_failed (message_too_large for a record no journal file can
// hold); success and the core's own codes pass unchanged. route() hands the storage's codes
// through as they are, so the completion it is given is not wrapped once more per message.
std::error_code stored_error(std::error_code ec);

struct AutoCreatePlan {
  bool create_address = false;              // needs createAddress
  bool add_routing_type = false;            // needs createAddress
  std::optional<std::string> create_queue;  // durable anycast queue; needs createDurableQueue
  std::string user;                         // recorded as the queue's creator (max-queues)
  bool nothing() const { return !create_address && !add_routing_type && !create_queue; }
};

enum class RouteStatus { routed, no_route, duplicate, dropped };

struct RouteResult {
  RouteStatus status = RouteStatus::no_route;
  std::size_t queues = 0;
};

struct PendingSend {
  MessagePtr message;
  Destination destination;
};

// A routed message whose durable part is written (or on its way), not yet on its queues.
struct RoutedMessage {
  MessagePtr message;
  // The id of each queue: one may be deleted (unsubscribe, auto-delete) while the write is on
  // its way to disk, so they are looked up again at publish.
  // The durable queues (those the message is written for) first: one vector per message.
  std::vector<std::uint64_t> queue_ids;
  std::size_t durable_count = 0;
  std::span<const std::uint64_t> durable_ids() const { return {queue_ids.data(), durable_count}; }
  bool settled = false;  // published or discarded
  // Routed to queues in memory: it weighs on its address's and the broker's limits from the
  // moment it is routed, not only once stored, so sends still on their way to disk page, block
  // or fail as Artemis's do. publish() hands the weight to the queues, discard() gives it back.
  bool reserved = false;
  // Written to this paging store's current page instead of the journal: publishing makes it
  // readable by the queues' cursors.
  PagingStore* paged = nullptr;
  PagePosition page;
};

class PostOffice : public QueueHost, public PagingHost {
 public:
  PostOffice(const config::BrokerConfig& config, store::StorageManager& storage,
             util::Scheduler& scheduler, const util::Logger& log);
  ~PostOffice() override;

  // Startup, in this order: what the journals held, then broker.xml's <addresses>.
  void load(store::LoadedState& state);
  void deploy(const std::vector<config::AddressConfig>& addresses);
  // The expiry reaper (message-expiry-scan-period) and the auto-delete scanner
  // (address-queue-scan-period; its start-up check runs here); stop() cancels both.
  void start();
  void stop();

  Address* find_address(std::string_view name);
  Queue* find_queue(std::string_view name);
  const std::map<std::string, Address, std::less<>>& addresses() const { return addresses_; }
  std::vector<const Queue*> queues() const;
  AddressSettingsRepository& address_settings() { return settings_; }
  // address-settings edited in broker.xml (configuration reload): later lookups see them.
  void update_address_settings(const std::vector<config::AddressSetting>& settings);
  const std::string& management_address() const { return config_.management_address; }
  // Who answers messages sent to the management address; null: nobody (they are routed as any
  // other message). Set by the server, which keeps the handler alive while the PostOffice is.
  void set_management(ManagementHandler* handler) { management_ = handler; }
  ManagementHandler* management() const { return management_; }
  // Every client session of the broker, for management's connection views; each session adds
  // and removes itself.
  std::set<ServerSession*>& sessions() { return sessions_; }
  // Closes the connection of every session `matches` (each once); true when there was any.
  // A session without a connection to close (a web request's) is passed over.
  bool close_connections(const std::function<bool(const ServerSession&)>& matches);
  // A session's id in management views: unique while the PostOffice lives.
  std::uint64_t next_session_id() { return ++last_session_id_; }

  // Adds the routing type if the address exists without it.
  std::error_code create_address(const std::string& name, RoutingType rt, bool auto_created);
  // The id is assigned here. Persists durable queues.
  std::error_code create_queue(QueueDefinition def, Queue** out = nullptr);
  // Drops the queue and its messages (acked in the store).
  std::error_code delete_queue(const std::string& name);
  // Only an address without queues (errc::address_has_queues otherwise).
  std::error_code delete_address(const std::string& name);
  // Management's updateQueue: nullopt leaves a value as it is; a durable queue's record is
  // rewritten.
  std::error_code update_queue(const std::string& name, std::optional<int> max_consumers,
                               std::optional<bool> purge_on_no_consumers,
                               std::optional<std::string> user);
  // Management's updateAddress: errc::address_has_queues when a routing type it drops still
  // has queues.
  std::error_code set_routing_types(const std::string& name, bool anycast, bool multicast);
  // Management's pause(persist) / resume: a durable queue paused with `persist` keeps that in
  // its record, and resume clears it.
  std::error_code pause_queue(const std::string& name, bool persist);
  // Management's destroyQueue(name, removeConsumers=true): closes the connections of the
  // queue's consumers, then deletes the queue once their sessions are gone (they go in later
  // handlers); `done` gets the outcome (subscription_in_use if consumers stay past `wait`).
  void delete_queue_closing_consumers(const std::string& name, std::chrono::milliseconds wait,
                                      std::function<void(std::error_code)> done);
  std::error_code resume_queue(const std::string& name);
  // The copy a move (to a queue, a dead-letter or expiry address) sends: a new id, the
  // _AMQ_ORIG_* properties, no duplicate id.
  MessagePtr copy_for_move(const Queue& queue, const MessageRef& ref, const std::string& target,
                           bool expiry);
  // Management's moveMessages / retryMessages: each waiting message of queue `from` that
  // `to` gives a destination for is sent there as a copy (copy_for_move; `retry`: as the
  // original it was, without _AMQ_ORIG_*), and leaves `from` once the copy is durable; a copy
  // the store refuses leaves the original where it was. The number of messages sent.
  std::size_t move_messages(Queue& from,
                            const std::function<std::optional<Destination>(const Message&)>& to,
                            bool retry);
  AutoDeleter& auto_deleter() { return auto_deleter_; }

  std::error_code plan_auto_create(const Destination& d, std::optional<RoutingType> rt,
                                   AutoCreatePlan& plan);
  std::error_code apply_auto_create(const Destination& d, RoutingType rt,
                                    const AutoCreatePlan& plan);

  // Sending is two steps so a message is visible to consumers only once it is durable:
  // route() picks the queues, remembers the duplicate id and writes the durable part; `stored`
  // (given the storage's error: see stored_error) runs once that is on disk (at once when
  // nothing had to be written, also for duplicates and no-route). Then exactly one of
  // publish() (refs onto their queues) or discard() (the store failed: forget the duplicate
  // id, so a resend is not dropped) must follow. ServerSession orders these per session.
  // Assigns the message id when 0.
  RouteStatus route(MessagePtr message, const Destination& d, RoutedMessage& out,
                    SendCompletion stored);
  // All or nothing in one journal transaction; a duplicate id in the batch ignores the whole
  // batch (reference §5.8) and returns duplicate with `out` empty.
  RouteStatus route_transaction(std::vector<PendingSend> sends, std::vector<RoutedMessage>& out,
                                SendCompletion stored);
  void publish(RoutedMessage& routed);
  void discard(RoutedMessage& routed);
  // route() + publish() or discard() on completion, then `done` (internal moves, tests).
  RouteResult send(MessagePtr message, const Destination& d, SendCompletion done);
  std::uint64_t next_id() { return storage_.next_id(); }
  // False once the PostOffice is gone: completions that outlive it check this.
  std::shared_ptr<const bool> alive() const { return alive_; }

  // Memory limits (reference §5.9). A message in memory weighs its memory_size() once however
  // many queues hold it, counted for the address it was sent to and for the whole broker. An
  // address is full at its max-size-bytes / max-size-messages or when the broker is at
  // global-max-size / global-max-messages; its address-full-policy then applies:
  //   BLOCK: blocked() is true and producers wait; `when_unblocked` runs once it is not.
  //   PAGE:  the address pages (paging_store.hpp): new messages go to page files until every
  //          page has been read back; producers wait only while more than a page waits to be
  //          written. Without persistence there is nowhere to page to: as BLOCK.
  //   FAIL:  admit() says fail; DROP: admit() says drop (logged once per episode, counted).
  bool blocked(const std::string& address);
  void when_unblocked(const std::string& address, std::function<void()> fn);
  enum class Admission { accept, fail, drop };
  Admission admit(const std::string& address);
  // "size=… bytes (… messages); maxSize=…; globalSize=…; globalMaxSize=…;" as Artemis words it.
  std::string limits_text(const std::string& address) override;
  // The global-max-size the broker resolved (config -1: a share of the memory); -1: none.
  void set_global_max_size(std::int64_t bytes) { global_max_size_ = bytes; }
  std::int64_t global_size_bytes() const { return global_use_.bytes; }
  std::int64_t global_size_messages() const { return global_use_.messages; }
  // The disk is full (server/DiskMonitor: max-disk-usage, or no room for the next journal
  // file): while set every address is blocked, as Artemis blocks every paging store; clearing
  // it runs the waiters of the addresses that are not also full.
  void set_disk_full(bool full);
  bool disk_full() const { return disk_full_; }

  // The paging store of an address; nullptr when it never paged.
  const PagingStore* paging_store(const std::string& address) const;

  // Large messages (large_upload.hpp): a body received piece by piece into
  // large-messages/<id>.msg. Only with persistence (there is nowhere to put them otherwise);
  // without it a protocol keeps bodies whole.
  bool large_messages_enabled() const { return large_writer_ != nullptr; }
  std::unique_ptr<LargeUpload> begin_large_upload(std::error_code& ec);

  // QueueHost and PagingHost
  util::Scheduler& scheduler() override { return scheduler_; }
  const ResolvedAddressSettings& settings_for(const std::string& address) override;
  void removed(Queue& queue, const MessageRef& ref) override;
  void delivery_count_changed(Queue& queue, const MessageRef& ref) override;
  void dead_letter(Queue& queue, const MessageRef& ref) override;
  void expire(Queue& queue, const MessageRef& ref) override;
  void purged(Queue& queue) override;
  void consumer_added(Queue& queue) override;
  // PagingHost
  Queue* paged_queue(std::uint64_t id) override;
  void paging_drained(const std::string& address) override;
  bool address_full(const std::string& address) override;

 private:
  std::error_code change_pause(const std::string& name, const std::function<void(Queue&)>& change);
  // RoutedMessage::reserved: the routed message weighs on the limits from now on; and its
  // weight handed back (the queues hold it by then, or it was not stored).
  void reserve(RoutedMessage& r);
  void end_reservation(RoutedMessage& r);
  // Fills out.queue_ids and out.durable_count.
  void select_queues(const Message& m, const Destination& d, RoutedMessage& out);
  // `id`: the message's duplicate id (_AMQ_DUPL_ID), looked up once by the caller.
  bool duplicate(const Message& m, std::optional<std::string_view> id);
  void apply_expiry_delay(Message& m);
  void remember_duplicate(const Message& m, std::optional<std::string_view> id,
                          std::uint64_t record_id);
  std::optional<std::string_view> duplicate_id_to_store(const Message& m,
                                                        std::optional<std::string_view> id);
  void forget_duplicate(const Message& m);
  // Sends a copy of `ref` to `target`; the original leaves `queue` once the copy's send has
  // completed (stored, or failed: then the log says so).
  void move_copy(Queue& queue, const MessageRef& ref, const std::string& target, bool expiry);
  // removed() by the queue's id, for a queue that may be gone by now: `durable_ref` says
  // whether the queue held a journal ref of the message.
  void removed_from(std::uint64_t queue_id, bool durable_ref, const MessageRef& ref);

  // A queue takes / lets go of a message in memory; the first and the last count (account).
  void hold(Message& m);
  void release(Message& m);
  void account(const std::string& address, std::int64_t bytes, std::int64_t messages);
  bool over_limit(const std::string& address, const ResolvedAddressSettings& s);
  // A paging address at its page-limit-bytes / page-limit-messages.
  bool page_full(const std::string& address, const ResolvedAddressSettings& s);
  // Ends the episodes of addresses no longer full: logs, then runs their producers' waiters.
  void release_limited();
  void reap();
  Queue* restore_queue(const store::QueueRecord& r);
  // Paging (post_office_paging.cpp).
  void load_paging(store::LoadedState& state);
  // Large messages (post_office_large.cpp). A loaded message's body file: attached when it is
  // whole, false (logged) when it is missing or short.
  bool restore_large_body(Message& m);
  // Start-up, after the journal and the pages: the body files' writer, and the files no
  // record names removed.
  void load_large_messages(const std::set<std::uint64_t>& named);
  // A copy (a move, a dead letter) still shares the original's file: it gets its own name for
  // it (a hard link), so each record names a file of its own. False (logged) on failure.
  bool own_large_body(Message& m);
  // A durable ref of `m` on queue_id is gone: acked in the journal, the record deleted with the
  // last one.
  void drop_durable_ref(Message& m, std::uint64_t queue_id);
  // The file stays while the journal names it (a durable record) and goes with the last
  // in-memory reference otherwise.
  static void keep_large_body(Message& m, bool kept) {
    if (m.large) m.large->keep(kept);
  }
  // The store a message routed to the address goes to: the address pages, or starts to now.
  PagingStore* paging_for_send(const std::string& address);
  PagingStore* create_paging_store(const std::string& address);
  PagingStore* find_paging(const std::string& address);
  bool paging_enabled() const { return page_writer_ != nullptr; }
  void run_unblock_waiters(const std::string& address);

  const config::BrokerConfig& config_;
  store::StorageManager& storage_;
  util::Scheduler& scheduler_;
  const util::Logger& log_;
  AddressSettingsRepository settings_;
  match::Wildcards wildcards_;
  std::map<std::string, Address, std::less<>> addresses_;
  std::map<std::string, std::unique_ptr<Queue>, std::less<>> queues_;
  std::unordered_map<std::uint64_t, Queue*> queues_by_id_;  // the same queues, for publish
  // select_queues' working lists, kept for their capacity: routing allocates nothing of its own.
  std::vector<Address*> route_sources_;
  std::vector<Queue*> route_anycast_;
  std::set<std::string> wildcard_addresses_;
  std::unordered_map<std::string, DuplicateIdCache> duplicates_;
  std::unordered_map<std::string, std::vector<std::function<void()>>> unblock_waiters_;
  util::Scheduler::TimerId reaper_ = 0;
  AutoDeleter auto_deleter_;
  ManagementHandler* management_ = nullptr;
  std::set<ServerSession*> sessions_;
  std::uint64_t last_session_id_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // guards late completions
  bool stopped_ = false;
  bool disk_full_ = false;
  struct MemoryUse {
    std::int64_t bytes = 0;
    std::int64_t messages = 0;
  } global_use_;
  std::int64_t global_max_size_;
  // Addresses found full by a producer (BLOCK/PAGE blocked, DROP dropping), logged once each
  // until they are not full any more.
  std::map<std::string, config::AddressFullPolicy, std::less<>> full_episodes_;
  std::set<std::string, std::less<>> disk_full_logged_;  // AMQ222212 once per address and episode
  // Declared before the stores so it outlives them: its destructor writes what they queued.
  std::unique_ptr<store::PageWriter> page_writer_;
  // Writes large message bodies; a failure fails its upload only (store::Failures::per_file).
  std::unique_ptr<store::PageWriter> large_writer_;
  std::map<std::string, std::unique_ptr<PagingStore>, std::less<>> paging_;
};

}  // namespace artemis::core
