// ServerSession: identity, permissions, addressing, producing, transactions and the ordered
// completions. Consumers and settlement are in server_session_consume.cpp.
#include "core/server_session.hpp"

#include <fmt/core.h>

#include <charconv>
#include <chrono>

#include "core/address_settings.hpp"
#include "security/audit_log.hpp"
#include "security/login_throttle.hpp"
#include "security/user_connections.hpp"
#include "util/strings.hpp"

namespace artemis::core {

// The session's completions in send order. Shared with the completions in flight, so a
// message sent just before its session closed still reaches its queues once it is stored.
struct ServerSession::CompletionQueue {
  explicit CompletionQueue(PostOffice& post_office)
      : po(post_office), po_alive(post_office.alive()) {}

  PostOffice& po;
  std::shared_ptr<const bool> po_alive;  // the queue may outlive the PostOffice (deactivation)
  std::deque<std::shared_ptr<Pending>> items;
  bool flushing = false;

  void flush() {
    if (flushing) return;  // a finish that sends again: the outer loop goes on
    flushing = true;
    while (!items.empty() && items.front()->done) {
      auto slot = std::move(items.front());
      items.pop_front();
      if (slot->is_send) {
        if (*po_alive) slot->ec ? po.discard(slot->routed) : po.publish(slot->routed);
      } else if (slot->finish) {
        slot->finish(slot->ec);
      }
      if (slot->sent) slot->sent(slot->ec);
    }
    flushing = false;
  }
};

ServerSession::ServerSession(PostOffice& post_office, security::SecurityManager& security,
                             SessionOptions options)
    : po_(post_office),
      security_(security),
      options_(std::move(options)),
      completions_(std::make_shared<CompletionQueue>(post_office)) {
  created_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  po_.sessions().insert(this);
  id_ = po_.next_session_id();
}

ServerSession::~ServerSession() {
  po_.sessions().erase(this);
  *alive_ = false;
  release_connection();
  // What is on its way to disk still reaches its queues, but the protocol session that asked
  // hears nothing more: its completions may hold it without a guard.
  for (auto& slot : completions_->items) slot->sent = nullptr;
  // Stop every consumer first: the deliveries one returns must not be dispatched to a sibling
  // that closes next (a second failed delivery counted, a write to a closing protocol).
  for (auto& [id, e] : consumers_)
    if (Queue* q = po_.find_queue(e.queue); q != nullptr && q->id() == e.queue_id)
      e.consumer->stop();
  while (!consumers_.empty()) close_consumer(consumers_.begin()->first);
  for (auto& [name, tx] : transactions_) return_settled(po_, tx.settled);
  transactions_.clear();
  while (!temporary_queues_.empty()) delete_temporary_queue(temporary_queues_.back());
}

namespace {

// "127.0.0.1:53122" -> "127.0.0.1", "[::1]:53122" -> "::1".
std::string host_of(const std::string& address) {
  const auto colon = address.rfind(':');
  std::string host = colon == std::string::npos ? address : address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return host;
}

}  // namespace

std::string ServerSession::audit_caller() const {
  return security::AuditLog::caller(subject_ ? &*subject_ : nullptr, options_.remote_address);
}

SessionResult ServerSession::login(std::string_view user, std::string_view password) {
  auto refuse = [&](std::string text) {
    if (auto* a = audit(); a != nullptr && a->resource()) {
      a->authentication_failed(
          fmt::format("{}@{}", user, options_.remote_address), options_.connection_id,
          fmt::format(
              "AMQ229031: Unable to validate user from {}. Username: "
              "{}; SSL certificate subject DN: {}",
              options_.remote_address, user,
              options_.certificate_subject.empty() ? "unavailable" : options_.certificate_subject));
    }
    return Refused{errc::authentication_failed, std::move(text), ""};
  };
  // Failed-login back-off (security/login_throttle.hpp): a host that kept failing waits.
  auto* throttle = security_.login_throttle();
  const auto host = host_of(options_.remote_address);
  const auto now = po_.scheduler().now_ms();
  if (throttle != nullptr)
    if (const auto wait = throttle->wait_ms(host, now))
      return refuse(fmt::format("Too many failed logins from {}; try again in {} ms", host, *wait));
  subject_ = security_.login(user, password, options_.certificate_subject);
  if (subject_) {
    if (throttle != nullptr) throttle->succeeded(host);
    auto refused = count_connection();
    if (auto* a = audit(); a != nullptr && !refused)
      a->authenticated(audit_caller(), options_.connection_id);
    return refused;
  }
  if (throttle != nullptr) throttle->failed(host, now);
  return refuse(fmt::format("User name [{}] or password is invalid", user));
}

SessionResult ServerSession::count_connection() {
  auto* connections = security_.user_connections();
  if (connections == nullptr) return std::nullopt;
  release_connection();
  if (!connections->acquire(subject_->user)) {
    const auto limit = connections->limit_of(subject_->user);
    const auto user = subject_->user;
    subject_.reset();
    return Refused{errc::authentication_failed,
                   fmt::format("User {} has reached the maximum number of connections ({}; "
                               "max-connections of resource-limit-settings)",
                               user, limit),
                   ""};
  }
  counted_user_ = subject_->user;
  return std::nullopt;
}

void ServerSession::release_connection() {
  if (!counted_user_) return;
  if (auto* connections = security_.user_connections()) connections->release(*counted_user_);
  counted_user_.reset();
}

SessionResult ServerSession::check_queue_limit() const {
  auto* limits = security_.user_connections();
  if (limits == nullptr || !subject_) return std::nullopt;
  const int max = limits->max_queues_of(subject_->user);
  if (max < 0) return std::nullopt;
  int made = 0;
  for (const Queue* q : po_.queues())
    if (q->definition().user == subject_->user) ++made;
  if (made < max) return std::nullopt;
  return Refused{errc::unauthorized,
                 fmt::format("AMQ229111: Too many queues created by user '{}'. Queues allowed: {}.",
                             subject_->user, max),
                 "max-queues of resource-limit-settings"};
}

void ServerSession::login_as_peer(std::string user) {
  subject_ = security::Subject{std::move(user), {}, false};
}

SessionResult ServerSession::check(security::Permission p, const std::string& address) {
  if (!subject_)
    return Refused{errc::unauthorized, "not logged in", ""};
  // Roles are fixed at login; security-settings change only with a configuration reload, which
  // moves the generation on.
  if (security_.generation() != permission_generation_) {
    permission_cache_.clear();
    permission_generation_ = security_.generation();
  }
  const auto bit = 1u << static_cast<unsigned>(p);
  auto& [known, granted] = permission_cache_[address];
  if ((known & bit) == 0) {
    known |= bit;
    if (security_.authorize(*subject_, p, address)) granted |= bit;
  }
  if ((granted & bit) != 0) return std::nullopt;
  auto text = fmt::format("User: {} does not have permission='{}' on address {}", subject_->user,
                          security::to_string(p), address);
  if (auto* a = audit()) a->security_check_failed(audit_caller(), "AMQ229032: " + text);
  return Refused{errc::unauthorized, std::move(text), ""};
}

Target ServerSession::resolve(std::string_view name, std::optional<RoutingType> hint) const {
  Target t;
  std::string_view rest = name;
  for (const auto& [list, rt] : {std::pair{&options_.anycast_prefixes, RoutingType::anycast},
                                 std::pair{&options_.multicast_prefixes, RoutingType::multicast}}) {
    for (const auto& p : *list) {
      if (t.prefix.empty() && !p.empty() && util::starts_with(rest, p) && rest.size() > p.size()) {
        t.prefix = p;
        t.routing_type = rt;
        rest = rest.substr(p.size());
      }
    }
  }
  // The prefix wins over the hint, as Artemis's AddressInfo.getAddressAndRoutingType has it.
  if (hint && t.prefix.empty()) t.routing_type = hint;
  t.destination = Destination::parse(rest);
  return t;
}

// Auto-creates what the target needs (reference §1.6), each step authorised.
SessionResult ServerSession::ensure_exists(const Target& t) {
  const std::string& address = t.destination.address;
  std::optional<RoutingType> rt = t.routing_type;
  if (!rt && po_.find_address(address) == nullptr)
    rt = po_.settings_for(address).default_address_routing_type;
  AutoCreatePlan plan;
  if (auto ec = po_.plan_auto_create(t.destination, rt, plan)) {
    if (ec == errc::illegal_routing_type)
      return Refused{ec, "Illegal routing semantics",
                     fmt::format("address {} does not support routing type {}", address,
                                 config::to_string(*rt))};
    return Refused{ec, fmt::format("Destination {} does not exist", t.destination.to_string()),
                   ec.message()};
  }
  if (plan.nothing()) return std::nullopt;
  if (plan.create_address || plan.add_routing_type)
    if (auto r = check(security::Permission::create_address, address)) return r;
  if (plan.create_queue) {
    if (auto r = check(security::Permission::create_durable_queue, address)) return r;
    if (auto r = check_queue_limit()) return r;
    plan.user = subject_ ? subject_->user : "";
  }
  if (auto ec = po_.apply_auto_create(t.destination, *rt, plan))
    return Refused{ec, fmt::format("Could not create {}", t.destination.to_string()), ec.message()};
  if (auto* a = audit(); a != nullptr && a->resource()) {
    const auto routing = config::to_string(*rt);
    if (plan.create_address) a->address_created(audit_caller(), address, routing);
    if (plan.create_queue) a->queue_created(audit_caller(), *plan.create_queue, address, routing);
  }
  return std::nullopt;
}

std::shared_ptr<ServerSession::Pending> ServerSession::push_pending(
    std::function<void(std::error_code)> finish) {
  auto slot = std::make_shared<Pending>();
  slot->finish = std::move(finish);
  completions_->items.push_back(slot);
  return slot;
}

std::shared_ptr<ServerSession::Pending> ServerSession::push_send(Completion sent) {
  auto slot = std::make_shared<Pending>();
  slot->is_send = true;
  slot->sent = std::move(sent);
  completions_->items.push_back(slot);
  return slot;
}

ServerSession::Completion ServerSession::completer(std::shared_ptr<Pending> slot) {
  return [queue = completions_, slot = std::move(slot)](std::error_code ec) {
    slot->done = true;
    slot->ec = stored_error(ec);
    queue->flush();
  };
}

void ServerSession::push_done(Completion sent) {
  auto slot = std::make_shared<Pending>();
  slot->sent = std::move(sent);
  completions_->items.push_back(slot);
  completer(std::move(slot))({});
}

void ServerSession::after_pending(std::function<void()> fn) {
  auto slot = push_pending([fn = std::move(fn)](std::error_code) { fn(); });
  completer(slot)({});
}

std::size_t ServerSession::pending_completions() const { return completions_->items.size(); }

SessionResult ServerSession::send(MessagePtr m, const Target& t, const std::string* tx,
                                  Completion done) {
  if (po_.management() != nullptr && !t.destination.fqqn() &&
      t.destination.address == po_.management_address())
    return send_management(*m, std::move(done));
  if (auto r = check(security::Permission::send, t.destination.to_string())) return r;
  if (auto r = ensure_exists(t)) return r;
  switch (po_.admit(t.destination.address)) {
    case PostOffice::Admission::accept:
      break;
    case PostOffice::Admission::fail:
      return Refused{errc::address_full, fmt::format("Address {} is full", t.destination.address),
                     fmt::format("AMQ229102: Address \"{}\" is full. {}", t.destination.address,
                                 po_.limits_text(t.destination.address))};
    case PostOffice::Admission::drop:  // accepted as far as the producer can tell
      push_done(std::move(done));
      return std::nullopt;
  }
  if (auto* a = audit(); a != nullptr && a->message())
    a->message_sent(audit_caller(),
                    fmt::format("Message[durable={}, address={}, size={}]", m->durable(),
                                t.destination.to_string(),
                                m->record.large_body_size.value_or(m->record.body.size())),
                    tx != nullptr ? *tx : "");
  char cid[24];
  const auto cid_end = std::to_chars(cid, cid + sizeof cid, options_.connection_id).ptr;
  m->record.properties.set_text(props::connection_id,
                                std::string_view(cid, static_cast<std::size_t>(cid_end - cid)));
  if (tx != nullptr) {
    auto it = transactions_.find(*tx);
    if (it == transactions_.end())
      return Refused{errc::unknown_transaction, "No transaction started",
                     fmt::format("transaction '{}' is not open", *tx)};
    if (it->second.sends.size() + it->second.settled.size() >= kMaxWorkPerTransaction)
      return Refused{errc::transaction_too_large, "Transaction too large",
                     fmt::format("at most {} messages per transaction", kMaxWorkPerTransaction)};
    it->second.sends.push_back({std::move(m), t.destination});
    push_done(std::move(done));
    return std::nullopt;
  }
  // Visible (or discarded) in session order, then confirmed.
  auto slot = push_send(std::move(done));
  po_.route(std::move(m), t.destination, slot->routed, completer(slot));
  return std::nullopt;
}

bool ServerSession::producer_blocked(const Target& t, std::function<void()> on_unblocked) {
  if (!po_.blocked(t.destination.address)) return false;
  po_.when_unblocked(t.destination.address,
                     [alive = alive_, fn = std::move(on_unblocked)] {
                       if (*alive) fn();
                     });
  return true;
}

SessionResult ServerSession::begin(const std::string& tx) {
  if (transactions_.count(tx))
    return Refused{errc::transaction_exists, "Transaction already started",
                   fmt::format("transaction '{}' is already open", tx)};
  if (transactions_.size() >= kMaxTransactions)
    return Refused{errc::too_many_transactions, "Too many transactions",
                   fmt::format("at most {} open transactions per session", kMaxTransactions)};
  transactions_[tx];
  return std::nullopt;
}

SessionResult ServerSession::commit(const std::string& tx, Completion done) {
  auto it = transactions_.find(tx);
  if (it == transactions_.end())
    return Refused{errc::unknown_transaction, "No transaction started",
                   fmt::format("transaction '{}' is not open", tx)};
  auto work = std::make_shared<Transaction>(std::move(it->second));
  transactions_.erase(it);
  auto routed = std::make_shared<std::vector<RoutedMessage>>();
  // Sends become visible and settlements take effect only once the commit is durable, so an
  // acknowledgement never reaches the journal before the records it follows.
  auto slot = push_pending([&po = po_, po_alive = po_.alive(), work, routed](std::error_code ec) {
    // May run after this session is gone (the completion queue outlives it).
    if (*po_alive) {
      for (auto& r : *routed) ec ? po.discard(r) : po.publish(r);
      ec ? return_settled(po, work->settled) : apply_settled(po, work->settled);
    }
  });
  slot->sent = std::move(done);
  if (work->sends.empty()) completer(slot)({});
  else po_.route_transaction(std::move(work->sends), *routed, completer(slot));
  return std::nullopt;
}

SessionResult ServerSession::rollback(const std::string& tx) {
  auto it = transactions_.find(tx);
  if (it == transactions_.end())
    return Refused{errc::unknown_transaction, "No transaction started",
                   fmt::format("transaction '{}' is not open", tx)};
  return_settled(po_, it->second.settled);
  transactions_.erase(it);
  return std::nullopt;
}

}  // namespace artemis::core
