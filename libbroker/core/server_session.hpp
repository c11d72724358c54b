#pragma once
// ServerSession: one client session of any protocol, on the core (Artemis's ServerSession).
//
// Every protocol drives the broker through this class, so no protocol can forget a rule:
//   - the authenticated subject and every permission check (send, consume, browse,
//     createAddress, createDurableQueue, createNonDurableQueue, deleteDurableQueue,
//     deleteNonDurableQueue), answers cached per address for the session;
//   - acceptor prefixes (anycastPrefix / multicastPrefix) and FQQN `address::queue`;
//   - auto-creation of addresses and queues (reference §1.6), each step authorised;
//   - producers: address-full-policy FAIL refuses, BLOCK reports "blocked" to the protocol,
//     which stops reading until the address drains;
//   - local transactions of sends and settlements; rollback returns the settled messages;
//   - consumers with byte or message credit, selectors, no-local, browse snapshots;
//     settlement outcomes accepted / released / modified / rejected;
//   - subscription queues named as reference/addressing-protocols.md says, temporary queues
//     removed with the session;
//   - ordered completions: a send's completion, and anything queued with after_pending(), runs
//     only after every earlier send of the session completed; a routed message becomes visible
//     to consumers at that point too, so a durable message is never seen before it is on disk
//     and a later non-durable one never overtakes it.
// A protocol module only decodes, maps its frames onto these calls, maps results back, encodes.
//
// Broker thread only. Destroying the session closes its consumers (unsettled deliveries go back
// to their queues), rolls back its transactions and deletes its temporary queues.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/consumer.hpp"
#include "core/destination.hpp"
#include "core/errors.hpp"
#include "core/post_office.hpp"
#include "security/security_manager.hpp"

namespace artemis::core {

// A refused call: the kind, and the words to show the client (Artemis's where it has them).
struct Refused {
  std::error_code code;
  std::string text;    // short: a STOMP ERROR `message`, an AMQP error description
  std::string detail;  // what exactly (may be empty)
};
using SessionResult = std::optional<Refused>;  // nullopt: done

// Where the session was reached and who it is.
struct SessionOptions {
  std::uint64_t connection_id = 0;
  std::string remote_address;
  std::vector<std::string> anycast_prefixes;    // acceptor anycastPrefix (comma list, split)
  std::vector<std::string> multicast_prefixes;  // acceptor multicastPrefix
  // The TLS client certificate's subject (RFC 2253), for a certificate login; empty: none.
  std::string certificate_subject;
  std::string protocol;  // "STOMP", "AMQP", "MQTT": what management lists
  // Closes the session's network connection (management's closeConnectionsFor…); may destroy
  // the session before it returns.
  std::function<void()> close_connection;
};

// A protocol address after prefixes and FQQN: what send/consume/browse act on.
struct Target {
  Destination destination;
  std::string prefix;                          // the acceptor prefix that was stripped
  std::optional<RoutingType> routing_type;     // from the prefix or a protocol hint
};

struct ConsumerRequest {
  Target target;
  std::string selector;  // "" none; the protocol adds its dialect prefix (core/filter.hpp)
  // Subscription on a MULTICAST address: durable with a name (queue <client-id>.<name>),
  // otherwise a temporary queue with a generated name.
  std::optional<std::string> durable_name;
  // A shared non-durable subscription: queue <client-id>.<name>:shared-volatile, made by its
  // first consumer and deleted when its last one leaves.
  std::optional<std::string> shared_volatile_name;
  // A global subscription (with either name): named without the client id, ":global"
  // appended to a volatile one, so consumers of any client share it.
  bool global = false;
  bool no_local = false;
  CreditMode credit_mode = CreditMode::bytes;
  std::int64_t window_bytes = -1;    // bytes mode
  std::int64_t credit_messages = 0;  // messages mode: initial credit
};

struct ConsumerInfo {
  std::uint64_t id = 0;         // session-unique
  std::string queue;            // the queue the consumer is on
  bool subscription = false;    // a subscription queue (temporary or durable) made for it
};

// How a delivery is settled.
enum class Outcome {
  accepted,  // consumed
  released,  // back to the queue, delivery count unchanged
  modified,  // back to the queue; see delivery_failed / undeliverable_here
  rejected,  // to the dead-letter address
};
struct Settlement {
  Outcome outcome = Outcome::accepted;
  bool delivery_failed = false;     // modified: delivery count + 1
  bool undeliverable_here = false;  // modified: never offered to this consumer again
  bool cumulative = false;          // this and every earlier delivery of the consumer
};

class ServerSession {
 public:
  using Completion = std::function<void(std::error_code)>;

  static constexpr std::size_t kMaxTransactions = 64;
  static constexpr std::size_t kMaxWorkPerTransaction = 100'000;

  ServerSession(PostOffice& post_office, security::SecurityManager& security,
                SessionOptions options);
  ~ServerSession();
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  // --- identity -----------------------------------------------------------------------------
  // Artemis's AMQ229031 wording when refused.
  SessionResult login(std::string_view user, std::string_view password);
  // A cluster peer authenticated by the cluster credentials (no roles needed).
  void login_as_peer(std::string user);
  bool logged_in() const { return subject_.has_value(); }
  const security::Subject& subject() const { return *subject_; }
  void set_client_id(std::string id) { client_id_ = std::move(id); }
  const std::string& client_id() const { return client_id_; }
  std::uint64_t connection_id() const { return options_.connection_id; }
  const SessionOptions& options() const { return options_; }
  std::int64_t created_ms() const { return created_ms_; }
  std::uint64_t id() const { return id_; }  // management's session id
  std::size_t consumer_count() const { return consumers_.size(); }

  // --- addressing ---------------------------------------------------------------------------
  // Strips an acceptor prefix (which also sets the routing type), applies `hint` (a protocol's
  // routing-type header/capability; the prefix wins), splits an FQQN.
  Target resolve(std::string_view name, std::optional<RoutingType> hint = std::nullopt) const;
  SessionResult check(security::Permission permission, const std::string& address);
  // `manage` on the management address: what a management request needs.
  SessionResult check_manage();
  // The send permission for a protocol that names its destination before sending (an AMQP
  // link is refused at attach without it); send() still checks every message.
  SessionResult check_send(const Target& target) {
    return check(security::Permission::send, target.destination.address);
  }

  // --- producing ----------------------------------------------------------------------------
  // Authorises, auto-creates, applies address-full-policy FAIL, stamps the connection id, then
  // routes (or adds to transaction `tx`). `done` runs in session order once the message is
  // durable (error: storage failed; the message left no trace). A refusal runs no `done`, and
  // neither does a destroyed session (the message still reaches its queues): `done` may hold
  // its protocol session without a guard. The same holds for commit().
  SessionResult send(MessagePtr message, const Target& target, const std::string* tx,
                     Completion done);
  // A large message's body, received piece by piece before the message is sent (send()
  // with attach_large_body). Null when the broker keeps no large message files (persistence
  // off): the protocol then receives the body whole.
  std::unique_ptr<LargeUpload> begin_large_message(std::error_code& ec) {
    return po_.begin_large_upload(ec);
  }
  bool large_messages_enabled() const { return po_.large_messages_enabled(); }
  // Address-full-policy BLOCK: true while any address this session sent to is over its limit;
  // the protocol stops reading. `on_unblocked` runs once when it drains.
  bool producer_blocked(const Target& target, std::function<void()> on_unblocked);

  // --- transactions -------------------------------------------------------------------------
  SessionResult begin(const std::string& tx);
  // Sends become visible and settlements take effect once the commit is durable; `done` runs in
  // session order then.
  SessionResult commit(const std::string& tx, Completion done);
  // Sends vanish; settled deliveries go back to their queues (delivery count + 1).
  SessionResult rollback(const std::string& tx);
  bool in_transaction(const std::string& tx) const { return transactions_.count(tx) != 0; }

  // --- consuming ----------------------------------------------------------------------------
  // Authorises consume (and the queue creation a subscription needs), creates the consumer.
  SessionResult create_consumer(const ConsumerRequest& request, ConsumerHandler& handler,
                                ConsumerInfo& out);
  // Unsettled deliveries go back to the queue; a temporary subscription queue is deleted.
  void close_consumer(std::uint64_t consumer_id);
  ServerConsumer* consumer(std::uint64_t consumer_id);
  // Visits the session's consumers as fn(session-unique id, consumer), for management views.
  template <class Fn>
  void for_each_consumer(Fn&& fn) const {
    for (const auto& [id, entry] : consumers_) fn(id, std::as_const(*entry.consumer));
  }
  // Settles one delivery (or, cumulative, every earlier one too), now or in transaction `tx`.
  SessionResult settle(std::uint64_t consumer_id, std::uint64_t message_id, Settlement how,
                       const std::string* tx = nullptr);
  // Removes the durable subscription <client-id>.<name> (or, global, <name>;
  // deleteDurableQueue), when unused.
  SessionResult delete_durable_subscription(const std::string& name, bool global = false);
  // The address of the durable subscription <client-id>.<name> (global: <name>); nullopt when
  // there is none or the session may not consume from it.
  std::optional<std::string> durable_subscription_address(const std::string& name, bool global);
  // Browse permission, then visits the waiting messages that match, highest priority first.
  SessionResult browse(const Target& target, const std::string& selector,
                       const std::function<void(const MessageRef&)>& visit);

  // --- temporary queues ---------------------------------------------------------------------
  // A queue for a protocol's dynamic node (an AMQP dynamic source or target): an ANYCAST address
  // and queue of the same generated name, non-durable, needing createAddress and
  // createNonDurableQueue. Deleted by delete_temporary_queue or with the session.
  SessionResult create_temporary_queue(std::string& name);
  void delete_temporary_queue(const std::string& name);

  // --- ordering -----------------------------------------------------------------------------
  // Runs `fn` once every earlier send/commit of the session completed (at once if none waits).
  void after_pending(std::function<void()> fn);
  std::size_t pending_completions() const;

 private:
  // The audit trail when the server keeps one; the caller as it names who did it.
  security::AuditLog* audit() const { return security_.audit(); }
  std::string audit_caller() const;
  // resource-limit-settings max-queues: refused once the user created that many queues.
  SessionResult check_queue_limit() const;
  // Stands between the queue and the protocol's handler to audit deliveries (AMQ601501).
  class AuditedHandler;
  struct ConsumerEntry {
    ServerConsumer* consumer = nullptr;
    std::string queue;
    std::uint64_t queue_id = 0;
    bool temporary_queue = false;
    std::unique_ptr<ConsumerHandler> handler;  // what the queue calls: an AuditedHandler
  };
  struct TxSettled {
    std::string queue;
    std::uint64_t queue_id = 0;
    std::uint64_t consumer = 0;  // the queue's id of the consumer that held it
    MessageRef ref;
    Settlement how;
  };
  struct Transaction {
    std::vector<PendingSend> sends;
    std::vector<TxSettled> settled;
  };
  struct Pending {
    bool done = false;
    std::error_code ec;
    // A send outside a transaction: `routed` is published (or discarded) here; one allocation
    // per send instead of a closure around it.
    bool is_send = false;
    RoutedMessage routed;
    std::function<void(std::error_code)> finish;  // a commit's publishing and settling
    Completion sent;  // the caller's; dropped when the session is destroyed
  };
  struct CompletionQueue;

  SessionResult ensure_exists(const Target& t);
  // A message to the management address (core/management_handler.hpp): `manage` checked, the
  // handler's reply routed to the request's reply-to, the request confirmed in session order.
  SessionResult send_management(const Message& request, Completion done);
  SessionResult subscription_queue(const ConsumerRequest& r, std::string& queue, bool& temporary,
                                   bool& subscription);
  std::optional<Filter> parse_selector(const std::string& selector, std::string& why) const;
  // Settlement on the queue; the queue may be gone by the end of a transaction.
  static void apply(Queue& queue, MessageRef ref, const Settlement& how, std::uint64_t consumer);
  static void apply_settled(PostOffice& po, std::vector<TxSettled>& settled);
  static void return_settled(PostOffice& po, std::vector<TxSettled>& settled);
  std::shared_ptr<Pending> push_pending(std::function<void(std::error_code)> finish);
  std::shared_ptr<Pending> push_send(Completion sent);
  // The caller's completion alone, in order behind every earlier send (a transacted send).
  void push_done(Completion sent);
  // The completion that marks `slot` done and runs every finished slot in order.
  Completion completer(std::shared_ptr<Pending> slot);

  // resource-limit-settings max-connections: the user this session counts for.
  SessionResult count_connection();
  void release_connection();
  std::optional<std::string> counted_user_;
  PostOffice& po_;
  security::SecurityManager& security_;
  SessionOptions options_;
  std::int64_t created_ms_ = 0;  // epoch ms
  std::uint64_t id_ = 0;
  std::optional<security::Subject> subject_;
  std::string client_id_;
  // Permission answers for this subject: bit (1 << permission) known / granted, per address.
  std::unordered_map<std::string, std::pair<std::uint32_t, std::uint32_t>> permission_cache_;
  std::uint64_t permission_generation_ = 0;  // security_.generation() the cache holds
  std::map<std::uint64_t, ConsumerEntry> consumers_;
  std::uint64_t next_consumer_ = 1;
  std::map<std::string, Transaction> transactions_;
  std::vector<std::string> temporary_queues_;  // create_temporary_queue's, not deleted yet
  std::shared_ptr<CompletionQueue> completions_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace artemis::core
