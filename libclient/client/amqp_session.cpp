#include "client/amqp_session.hpp"

#include <fmt/core.h>
#include <proton/condition.h>
#include <proton/connection.h>
#include <proton/delivery.h>
#include <proton/disposition.h>
#include <proton/event.h>
#include <proton/link.h>
#include <proton/session.h>
#include <proton/terminus.h>

#include <algorithm>

#include "client/amqp_message.hpp"
#include "client/amqp_support.hpp"
#include "util/uuid.hpp"

namespace artemis::client {

using namespace amqp_support;

namespace {

constexpr int kMaxRestoreTries = 20;
const std::chrono::milliseconds kCloseWait{2000};

}  // namespace

AmqpSession::AmqpSession(Connection& connection, Transacted transacted)
    : connection_(connection),
      transacted_(transacted),
      container_id_(connection.client_id().empty() ? util::Uuid::generate().to_string()
                                                   : connection.client_id()),
      scratch_(pn_message()),
      session_tag_(util::Uuid::generate().to_string()) {
  connection_.open_initial([this](const Server& s) { open_link(s); });
}

AmqpSession::~AmqpSession() {
  close();
}

void AmqpSession::open_link(const Server& server) {
  link_ = AmqpLink::open(server, connection_.link_options(), container_id_);
  link_->set_handler([this](pn_event_t* e) { on_event(e); });
  link_->set_hold(hold_writes_);
  connection_.learn(link_->advertised_servers());
}

void AmqpSession::recover(const std::string& reason) {
  const auto lost = link_ ? link_->server() : Server{};
  // Every link and delivery belonged to the old connection.
  senders_.clear();
  coordinator_ = nullptr;
  control_ = nullptr;
  for (auto& [id, r] : receivers_) {
    r.link = nullptr;
    r.queue.clear();  // the broker redelivers what was not acknowledged
  }
  for (auto& p : pending_) p.delivery = nullptr;
  link_.reset();
  const auto& url = connection_.url();
  if (!url.failover_enabled() || url.effective_reconnect_attempts() == 0)
    throw ClientError(ErrorKind::connection_lost,
                      fmt::format("{}; failover is off: use a URL such as "
                                  "(tcp://host1:61616,tcp://host2:61617)?ha=true to reconnect",
                                  reason));
  std::string why = reason;
  for (int tries = 0; tries < kMaxRestoreTries; ++tries) {
    connection_.reconnect(lost, why, [this](const Server& s) { open_link(s); });
    ++epoch_;
    ++failovers_;
    try {
      restore();
      return;
    } catch (const LinkLost& e) {
      why = e.what();
      link_.reset();
    }
  }
  throw ClientError(ErrorKind::connection_lost,
                    fmt::format("gave up after {} failovers in a row ({})", kMaxRestoreTries, why));
}

// Brings a fresh connection to where the old one was: consumers attached again, unconfirmed
// durable sends sent again (their duplicate ids let the broker drop a copy it already has).
void AmqpSession::restore() {
  if (tx_open_) {
    tx_open_ = false;
    tx_lost_ = true;
  }
  senders_.clear();
  coordinator_ = nullptr;
  control_ = nullptr;
  for (auto& [id, r] : receivers_) {
    r.queue.clear();
    attach_receiver(r, id);
  }
  for (auto& p : pending_) p.delivery = transmit(sender_for(p.destination), p.message, false);
}

void AmqpSession::wait(const std::function<bool()>& done, const char* what) {
  const auto timeout = std::chrono::milliseconds(connection_.url().call_timeout_ms);
  if (!link_->run_until(done, Clock::now() + timeout))
    throw ClientError(ErrorKind::timeout,
                      fmt::format("{}: {} within callTimeout={} ms", link_->server().to_string(),
                                  what, timeout.count()));
}

void AmqpSession::throw_pending_error() {
  if (error_.empty()) return;
  const std::string e = std::move(error_);
  error_.clear();
  throw ClientError(ErrorKind::broker_error, e);
}

void AmqpSession::on_event(pn_event_t* e) {
  if (pn_event_type(e) == PN_DELIVERY) on_delivery(pn_event_delivery(e));
}

void AmqpSession::on_delivery(pn_delivery_t* d) {
  pn_link_t* l = pn_delivery_link(d);
  if (pn_link_is_sender(l)) {
    const auto state = pn_delivery_remote_state(d);
    if (!pn_delivery_updated(d) || state == 0 || d == control_) return;
    // Outcomes come in sending order as a rule: the oldest pending send first.
    auto it = !pending_.empty() && pending_.front().delivery == d
                  ? pending_.begin()
                  : std::find_if(pending_.begin(), pending_.end(),
                                 [d](const Pending& p) { return p.delivery == d; });
    if (state != PN_ACCEPTED && state != kTransactionalState) {
      error_ = fmt::format(
          "{}: send to '{}' refused: {}", link_->server().to_string(),
          it != pending_.end() ? it->destination.name : "?",
          condition_of(pn_disposition_condition(pn_delivery_remote(d)), "not accepted"));
    } else if (it != pending_.end() && on_confirm_) {
      on_confirm_(Clock::now() - it->sent_at);
    }
    if (it != pending_.end()) pending_.erase(it);
    pn_delivery_settle(d);
    return;
  }
  if (!pn_delivery_readable(d) || pn_delivery_partial(d)) return;
  auto r = std::find_if(receivers_.begin(), receivers_.end(),
                        [l](const auto& entry) { return entry.second.link == l; });
  std::string bytes(pn_delivery_pending(d), '\0');
  pn_link_recv(l, bytes.data(), bytes.size());
  pn_link_advance(l);
  if (r == receivers_.end()) {  // a consumer closed meanwhile: the broker redelivers it
    pn_delivery_update(d, PN_RELEASED);
    pn_delivery_settle(d);
    return;
  }
  const bool settled = pn_delivery_settled(d);  // pre-settled: nothing to acknowledge
  if (settled) pn_delivery_settle(d);
  r->second.queue.emplace_back(decode_amqp(bytes, r->second.destination.name, scratch_.get()),
                               settled ? nullptr : d);
  ++r->second.received_since_drain;
}

pn_link_t* AmqpSession::sender_for(const Destination& destination) {
  const auto key = key_of(destination);
  if (auto it = senders_.find(key); it != senders_.end()) return it->second;
  const auto name = fmt::format("{}-{}", key, session_tag_);
  pn_link_t* s = pn_sender(link_->session(), name.c_str());
  pn_terminus_set_address(pn_link_target(s), destination.name.c_str());
  put_capability(pn_link_target(s), destination);
  pn_terminus_set_address(pn_link_source(s), name.c_str());
  pn_link_open(s);
  senders_[key] = s;
  wait([s] { return pn_link_credit(s) > 0 || refused(s); }, "no credit to send");
  if (refused(s)) {
    senders_.erase(key);
    throw ClientError(
        ErrorKind::broker_error,
        fmt::format("{}: send to '{}' refused: {}", link_->server().to_string(), destination.name,
                    condition_of(pn_link_remote_condition(s), "link refused")));
  }
  return s;
}

pn_delivery_t* AmqpSession::transmit(pn_link_t* sender, const Message& message, bool settled) {
  wait([sender] { return pn_link_credit(sender) > 0 || refused(sender); }, "no credit to send");
  if (refused(sender))
    throw ClientError(
        ErrorKind::broker_error,
        fmt::format("{}: producer closed by the broker: {}", link_->server().to_string(),
                    condition_of(pn_link_remote_condition(sender), "link closed")));
  if (!encode_amqp(message, wall_ms(), scratch_.get(), bytes_))
    throw ClientError(ErrorKind::invalid_argument, "the message cannot be encoded as AMQP");
  ++tags_;
  pn_delivery_t* d =
      pn_delivery(sender, pn_dtag(reinterpret_cast<const char*>(&tags_), sizeof tags_));
  if (transacted() && !tx_id_.empty()) put_transactional_state(d, false);
  pn_link_send(sender, bytes_.data(), bytes_.size());
  pn_link_advance(sender);
  if (settled) pn_delivery_settle(d);
  link_->flush();
  return d;
}

void AmqpSession::send(const Destination& destination, Message& message) {
  if (message.delivery == Delivery::persistent && !message.property(kDuplicateIdHeader))
    message.properties[std::string(kDuplicateIdHeader)] =
        fmt::format("{}:{}", session_tag_, ++duplicate_counter_);
  if (transacted()) {
    // Answered with a transactional state (settled in on_delivery); commit() is the confirmation.
    with_failover([&] {
      ensure_transaction();
      if (tx_lost_) return;  // already rolled back; commit() reports it
      transmit(sender_for(destination), message, false);
    });
    return;
  }
  const auto& url = connection_.url();
  const bool confirm = message.delivery == Delivery::persistent ? url.block_on_durable_send
                                                                : url.block_on_non_durable_send;
  if (!confirm) {
    with_failover([&] { transmit(sender_for(destination), message, true); });
    return;
  }
  pending_.push_back(Pending{nullptr, destination, message, Clock::now()});
  const auto epoch = epoch_;
  with_failover([&] {
    // After a failover restore() has sent it again with the other pending ones.
    if (epoch != epoch_) return;
    pending_.back().delivery = transmit(sender_for(destination), pending_.back().message, false);
  });
  throw_pending_error();
  if (pending_.size() >= send_window_) ++blocked_sends_;
  while (pending_.size() >= send_window_) {
    with_failover([&] {
      wait([&] { return pending_.size() < send_window_ || !error_.empty(); },
           "no confirmation of a durable send");
    });
    throw_pending_error();
  }
}

void AmqpSession::hold_writes(bool on) {
  hold_writes_ = on;
  if (link_) link_->set_hold(on);
  if (!on) release_writes();
}

void AmqpSession::release_writes() {
  with_failover([&] {
    if (link_) link_->release();
  });
}

void AmqpSession::flush() {
  while (!pending_.empty()) {
    with_failover([&] {
      wait([&] { return pending_.empty() || !error_.empty(); }, "durable sends unconfirmed");
    });
    throw_pending_error();
  }
}

void AmqpSession::attach_receiver(Receiver& r, int id) {
  const auto& o = r.options;
  const bool durable = !o.durable_name.empty();
  const auto name = durable ? o.durable_name : fmt::format("receiver-{}-{}", session_tag_, id);
  pn_link_t* l = pn_receiver(link_->session(), name.c_str());
  pn_terminus_t* source = pn_link_source(l);
  pn_terminus_set_address(source, r.destination.name.c_str());
  put_capability(source, r.destination);
  if (durable) {
    pn_terminus_set_durability(source, PN_DELIVERIES);
    pn_terminus_set_expiry_policy(source, PN_EXPIRE_NEVER);
  }
  if (!o.selector.empty()) {
    pn_data_t* filter = pn_terminus_filter(source);
    pn_data_put_map(filter);
    pn_data_enter(filter);
    pn_data_put_symbol(filter, bytes_of("jms-selector"));
    pn_data_put_described(filter);
    pn_data_enter(filter);
    pn_data_put_ulong(filter, kSelectorFilter);
    pn_data_put_string(filter, bytes_of(o.selector));
    pn_data_exit(filter);
    pn_data_exit(filter);
  }
  if (o.browse) pn_terminus_set_distribution_mode(source, PN_DIST_MODE_COPY);
  if (o.browse || o.auto_ack) pn_link_set_snd_settle_mode(l, PN_SND_SETTLED);
  pn_terminus_set_address(pn_link_target(l), name.c_str());
  pn_link_open(l);
  r.link = l;
  r.received_since_drain = 0;
  if (o.browse)
    pn_link_drain(l, kCredit);
  else
    pn_link_flow(l, kCredit);
  wait([l] { return (pn_link_state(l) & PN_REMOTE_ACTIVE) != 0 || refused(l); },
       "no answer to a consumer's attach");
  if (refused(l) || pn_terminus_get_type(pn_link_remote_source(l)) == PN_UNSPECIFIED)
    throw ClientError(
        ErrorKind::broker_error,
        fmt::format("{}: consumer on '{}' refused: {}", link_->server().to_string(),
                    r.destination.name, condition_of(pn_link_remote_condition(l), "no source")));
}

Consumer AmqpSession::create_consumer(const Destination& destination,
                                      const ConsumerOptions& options) {
  if (!options.durable_name.empty() && connection_.client_id().empty())
    throw ClientError(
        ErrorKind::invalid_argument,
        "a durable subscription needs a client id (--clientID or clientID= in the URL)");
  const int id = next_receiver_++;
  receivers_.emplace(id, Receiver{destination, options, nullptr, {}, 0, false});
  const auto epoch = epoch_;
  with_failover([&] {
    if (epoch != epoch_) return;  // restore() attached it
    attach_receiver(receivers_.at(id), id);
  });
  return Consumer(*this, id);
}

std::optional<Message> AmqpSession::receive(int consumer_id, std::chrono::milliseconds timeout) {
  const bool forever = timeout.count() < 0;
  const auto deadline = forever ? Clock::time_point::max() : Clock::now() + timeout;
  for (;;) {
    auto& r = receivers_.at(consumer_id);
    if (!r.queue.empty()) {
      auto [m, d] = std::move(r.queue.front());
      r.queue.pop_front();
      try {
        if (d != nullptr) {  // else pre-settled: nothing to acknowledge
          if (transacted()) {
            ensure_transaction();
            if (!tx_lost_) put_transactional_state(d, true);
          } else {
            pn_delivery_update(d, PN_ACCEPTED);
          }
          pn_delivery_settle(d);
        }
        // A browser's credit comes with its drains; a consumer's is topped up at half.
        const int credit = pn_link_credit(r.link);
        if (!r.options.browse && credit + static_cast<int>(r.queue.size()) < kCredit / 2)
          pn_link_flow(r.link, kCredit - credit - static_cast<int>(r.queue.size()));
        link_->flush();
      } catch (const LinkLost& e) {
        // Redelivered on the new connection; the application gets this copy anyway (a
        // duplicate at worst, identified by its duplicate id).
        recover(e.what());
      }
      return m;
    }
    if (r.browse_ended) return std::nullopt;
    if (r.options.browse && pn_link_credit(r.link) == 0 && !pn_link_draining(r.link)) {
      // A drain ended: one that brought nothing means the browser has seen everything.
      if (r.received_since_drain == 0) {
        r.browse_ended = true;
        continue;
      }
      r.received_since_drain = 0;
      pn_link_drain(r.link, kCredit);
    }
    bool got = false;
    with_failover([&] {
      got = link_->run_until(
          [&] {
            auto& now = receivers_.at(consumer_id);
            return !now.queue.empty() || (now.options.browse && pn_link_credit(now.link) == 0 &&
                                          !pn_link_draining(now.link));
          },
          deadline);
    });
    if (!got && Clock::now() >= deadline) return std::nullopt;
  }
}

void AmqpSession::close() {
  if (closed_) return;
  closed_ = true;
  if (!link_) return;
  try {
    flush();
    if (tx_open_) rollback();
  } catch (const ClientError&) {
    // Closing must not throw; what could not be confirmed was reported by flush() callers.
  }
  // Closing the connection detaches every link: non-durable consumers end, durable
  // subscriptions stay, unacknowledged messages go back to their queues.
  if (link_) link_->close(kCloseWait);
  link_.reset();
}

}  // namespace artemis::client
