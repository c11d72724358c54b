#include "client/stomp_session.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "util/uuid.hpp"

namespace artemis::client {

namespace {

constexpr int kMaxRestoreTries = 20;  // failovers in a row while restoring state
const std::chrono::milliseconds kCloseWait{2000};

}  // namespace

StompSession::StompSession(Connection& connection, Transacted transacted)
    : connection_(connection), transacted_(transacted), session_tag_(util::Uuid::generate().to_string()) {
  link_ = connection_.open_initial();
}

StompSession::~StompSession() { close(); }

std::string StompSession::next_receipt() { return fmt::format("r{}", ++receipt_counter_); }

template <class Step>
void StompSession::with_failover(Step&& step) {
  for (;;) {
    try {
      step();
      return;
    } catch (const LinkLost& e) {
      recover(e.what());
    }
  }
}

void StompSession::recover(const std::string& reason) {
  const auto lost = link_ ? link_->server() : Server{};
  link_.reset();
  if (!connection_.url().failover_enabled() || connection_.url().effective_reconnect_attempts() == 0)
    throw ClientError(ErrorKind::connection_lost,
                      fmt::format("{}; failover is off: use a URL such as "
                                  "(tcp://host1:61616,tcp://host2:61617)?ha=true to reconnect",
                                  reason));
  std::string why = reason;
  for (int tries = 0; tries < kMaxRestoreTries; ++tries) {
    link_ = connection_.reconnect(lost, why);
    link_->set_hold(hold_writes_);
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

// Brings a fresh link to where the old one was. Runs on the session thread after reconnect.
void StompSession::restore() {
  if (tx_open_) {
    // The broker discarded the transaction with the old connection.
    tx_open_ = false;
    tx_lost_ = true;
  }
  for (auto& [id, sub] : subscriptions_) {
    // Unacked deliveries go back to the queue with the old connection; the broker
    // redelivers them, so local copies would be duplicates.
    sub.queue.clear();
    sub.acks.clear();
    link_->send(sub.subscribe);
  }
  for (const auto& p : pending_) link_->send(p.frame);
}

bool StompSession::pump(Clock::time_point deadline) {
  auto frame = link_->receive(deadline);
  if (!frame) return false;
  if (frame->command == "RECEIPT") {
    const auto id = frame->header_or("receipt-id", "");
    const auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Pending& p) { return p.receipt == id; });
    if (it != pending_.end()) {
      if (on_confirm_) on_confirm_(Clock::now() - it->sent_at);
      pending_.erase(it);
    } else {
      receipts_seen_.insert(id);
    }
    return true;
  }
  if (frame->command == "MESSAGE") {
    const auto sub_id = frame->header_or("subscription", "");
    for (auto& [id, sub] : subscriptions_) {
      if (std::to_string(id) != sub_id) continue;
      if (sub.browse && frame->header_or("browser", "") == "end") {
        sub.browse_ended = true;
        return true;
      }
      sub.acks.push_back(frame->header_or("ack", frame->header_or("message-id", "")));
      sub.queue.push_back(from_message_frame(*frame));
      return true;
    }
    return true;  // a late delivery for a closed subscription: the broker redelivers it elsewhere
  }
  if (frame->command == "ERROR") {
    auto message = frame->header_or("message", "ERROR");
    if (!frame->body.empty() && frame->body != message) message += ": " + frame->body;
    const auto receipt = frame->header_or("receipt-id", "");
    const auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Pending& p) { return p.receipt == receipt; });
    if (it != pending_.end()) {
      const auto dest = it->frame.header_or("destination", "?");
      pending_.erase(it);
      throw ClientError(ErrorKind::broker_error,
                        fmt::format("{}: send to '{}' refused: {}", link_->server().to_string(), dest, message));
    }
    throw ClientError(ErrorKind::broker_error, fmt::format("{}: {}", link_->server().to_string(), message));
  }
  return true;  // unknown server frames are ignored
}

void StompSession::wait_receipt(const std::string& receipt) {
  const auto timeout = std::chrono::milliseconds(connection_.url().call_timeout_ms);
  const auto deadline = Clock::now() + timeout;
  while (receipts_seen_.erase(receipt) == 0) {
    if (!pump(deadline) && Clock::now() >= deadline)
      throw ClientError(ErrorKind::timeout,
                        fmt::format("{}: no receipt within callTimeout={} ms", link_->server().to_string(),
                                    timeout.count()));
  }
}

void StompSession::ensure_transaction() {
  if (!transacted() || tx_open_ || tx_lost_) return;
  tx_id_ = fmt::format("tx-{}-{}", session_tag_, ++tx_counter_);
  stomp::Frame begin;
  begin.command = "BEGIN";
  begin.add("transaction", tx_id_);
  link_->send(begin);
  tx_open_ = true;
}

Consumer StompSession::create_consumer(const Destination& destination, const ConsumerOptions& options) {
  const int id = next_subscription_++;
  Subscription sub;
  sub.durable = !options.durable_name.empty();
  sub.browse = options.browse;
  sub.auto_ack = options.auto_ack && !options.browse;
  auto& f = sub.subscribe;
  f.command = "SUBSCRIBE";
  f.add("id", std::to_string(id));
  f.add("destination", destination.name);
  if (const auto r = destination.routing(); !r.empty()) f.add("subscription-type", r);
  f.add("ack", sub.auto_ack ? "auto" : "client-individual");
  // A browser never acks, so a credit window would stall it; it reads what it needs and stops.
  const int window = options.browse ? -1 : connection_.url().consumer_window_size;
  f.add("consumer-window-size", std::to_string(window));
  if (!options.selector.empty()) f.add("selector", options.selector);
  if (options.browse) f.add("browser", "true");
  if (sub.durable) {
    if (connection_.client_id().empty())
      throw ClientError(ErrorKind::invalid_argument,
                        "a durable subscription needs a client id (--clientID or clientID= in the URL)");
    f.add("durable-subscription-name", options.durable_name);
  }
  subscriptions_.emplace(id, sub);
  const auto epoch = epoch_;
  with_failover([&] {
    // After a failover restore() has subscribed it again; nothing left to do here.
    if (epoch != epoch_) return;
    auto frame = subscriptions_.at(id).subscribe;
    const auto receipt = next_receipt();
    frame.add("receipt", receipt);
    link_->send(frame);
    wait_receipt(receipt);
  });
  return Consumer(*this, id);
}

void StompSession::send(const Destination& destination, Message& message) {
  if (message.delivery == Delivery::persistent && !message.property(kDuplicateIdHeader))
    message.properties[std::string(kDuplicateIdHeader)] = fmt::format("{}:{}", session_tag_, ++receipt_counter_);
  auto frame = to_send_frame(message, destination.name, destination.routing());
  if (transacted()) {
    with_failover([&] {
      ensure_transaction();
      if (tx_lost_) return;  // the transaction is already rolled back; commit() reports it
      frame.set("transaction", tx_id_);
      link_->send(frame);
    });
    return;
  }
  const bool confirm = message.delivery == Delivery::persistent
                           ? connection_.url().block_on_durable_send
                           : connection_.url().block_on_non_durable_send;
  if (!confirm) {
    with_failover([&] { link_->send(frame); });
    return;
  }
  const auto receipt = next_receipt();
  frame.add("receipt", receipt);
  pending_.push_back(Pending{receipt, std::move(frame), Clock::now()});
  bool sent = false;
  with_failover([&] {
    // After a failover restore() has re-sent it with the other pending frames.
    if (!sent) {
      sent = true;
      link_->send(pending_.back().frame);
    }
  });
  // Keep at most send_window_ durable sends in flight.
  const auto timeout = std::chrono::milliseconds(connection_.url().call_timeout_ms);
  if (pending_.size() >= send_window_) ++blocked_sends_;
  while (pending_.size() >= send_window_) {
    with_failover([&] {
      if (!pump(Clock::now() + timeout) && pending_.size() >= send_window_)
        throw ClientError(ErrorKind::timeout,
                          fmt::format("{}: no receipt within callTimeout={} ms", link_->server().to_string(),
                                      timeout.count()));
    });
  }
}

void StompSession::hold_writes(bool on) {
  hold_writes_ = on;
  with_failover([&] { link_->set_hold(on); });
}

void StompSession::release_writes() {
  with_failover([&] { link_->release(); });
}

void StompSession::flush() {
  const auto timeout = std::chrono::milliseconds(connection_.url().call_timeout_ms);
  while (!pending_.empty()) {
    with_failover([&] {
      if (!pump(Clock::now() + timeout) && !pending_.empty())
        throw ClientError(ErrorKind::timeout,
                          fmt::format("{}: {} sends unconfirmed after callTimeout={} ms",
                                      link_->server().to_string(), pending_.size(), timeout.count()));
    });
  }
}

std::optional<Message> StompSession::receive(int consumer_id, std::chrono::milliseconds timeout) {
  const bool forever = timeout.count() < 0;
  const auto deadline = forever ? Clock::time_point::max() : Clock::now() + timeout;
  for (;;) {
    auto& sub = subscriptions_.at(consumer_id);
    if (!sub.queue.empty()) {
      Message m = std::move(sub.queue.front());
      const std::string ack_id = std::move(sub.acks.front());
      sub.queue.pop_front();
      sub.acks.pop_front();
      if (!sub.browse && !sub.auto_ack) {
        stomp::Frame ack;
        ack.command = "ACK";
        ack.add("id", ack_id);
        try {
          link_->send(ack);
        } catch (const LinkLost& e) {
          // The message will be redelivered on the new link; hand this copy over anyway, the
          // application sees a duplicate at worst (identified by its duplicate id).
          recover(e.what());
        }
      }
      return m;
    }
    if (sub.browse_ended) return std::nullopt;
    bool got = false;
    with_failover([&] { got = pump(deadline); });
    if (!got && Clock::now() >= deadline) return std::nullopt;
  }
}

void StompSession::commit() {
  if (!transacted()) throw ClientError(ErrorKind::invalid_argument, "commit() on a session that is not transacted");
  if (tx_lost_) {
    tx_lost_ = false;
    throw ClientError(ErrorKind::transaction_rolled_back,
                      "the transaction was rolled back by failover; its messages were not sent");
  }
  if (!tx_open_) return;  // nothing happened in this transaction
  const auto epoch = epoch_;
  with_failover([&] {
    if (epoch != epoch_) return;  // failover during commit: outcome handled below
    stomp::Frame commit;
    commit.command = "COMMIT";
    commit.add("transaction", tx_id_);
    const auto receipt = next_receipt();
    commit.add("receipt", receipt);
    link_->send(commit);
    wait_receipt(receipt);
  });
  tx_open_ = false;
  if (epoch != epoch_) {
    tx_lost_ = false;
    throw ClientError(ErrorKind::transaction_rolled_back,
                      "failover during commit: the outcome is unknown; sending the same messages "
                      "again is safe (the broker drops duplicates by _AMQ_DUPL_ID)");
  }
}

void StompSession::rollback() {
  if (!transacted()) throw ClientError(ErrorKind::invalid_argument, "rollback() on a session that is not transacted");
  if (tx_lost_ || !tx_open_) {
    tx_lost_ = false;
    tx_open_ = false;
    return;
  }
  with_failover([&] {
    if (!tx_open_) return;  // failover already discarded it
    stomp::Frame abort;
    abort.command = "ABORT";
    abort.add("transaction", tx_id_);
    const auto receipt = next_receipt();
    abort.add("receipt", receipt);
    link_->send(abort);
    wait_receipt(receipt);
  });
  tx_open_ = false;
  tx_lost_ = false;
}

void StompSession::close() {
  if (closed_) return;
  closed_ = true;
  if (!link_) return;
  try {
    flush();
    if (tx_open_) rollback();
    for (const auto& [id, sub] : subscriptions_) {
      if (sub.durable || sub.browse) continue;  // a browser's unacked messages go back on close
      stomp::Frame unsub;
      unsub.command = "UNSUBSCRIBE";
      unsub.add("id", std::to_string(id));
      link_->send(unsub);
    }
  } catch (const ClientError&) {
    // Closing must not throw; what could not be confirmed was reported by flush() callers.
  }
  if (link_) link_->close(kCloseWait);
  link_.reset();
}

}  // namespace artemis::client
