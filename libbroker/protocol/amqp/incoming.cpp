// Links the client sends on (reference §7.2): attach, transfers into core sends, credit.
#include <proton/codec.h>
#include <proton/delivery.h>
#include <proton/disposition.h>
#include <proton/link.h>
#include <proton/terminus.h>

#include <algorithm>
#include <string>

#include "protocol/amqp/links.hpp"
#include "protocol/amqp/message_mapping.hpp"
#include "protocol/amqp/terminus.hpp"

namespace artemis::protocol::amqp {

const char* condition_for(std::error_code ec) {
  using core::errc;
  if (ec == errc::unauthorized || ec == errc::authentication_failed)
    return "amqp:unauthorized-access";
  if (ec == errc::address_not_found || ec == errc::queue_not_found) return "amqp:not-found";
  if (ec == errc::address_full || ec == errc::max_consumers_reached)
    return "amqp:resource-limit-exceeded";
  if (ec == errc::subscription_in_use) return "amqp:resource-locked";
  if (ec == errc::unknown_transaction) return "amqp:transaction:unknown-id";
  if (ec == errc::transaction_too_large) return "amqp:resource-limit-exceeded";
  if (ec == errc::illegal_routing_type || ec == errc::invalid_name || ec == errc::bad_filter ||
      ec == errc::client_id_required || ec == errc::queue_on_other_address)
    return "amqp:invalid-field";
  return "amqp:internal-error";
}

void AmqpConnection::open_incoming(pn_link_t* link) {
  pn_terminus_t* remote = pn_link_remote_target(link);
  if (pn_terminus_get_type(remote) == PN_COORDINATOR) return open_coordinator(link);
  const char* address = pn_terminus_get_address(remote);
  auto in = std::make_unique<Incoming>();
  in->link = link;
  if (pn_terminus_is_dynamic(remote)) {
    // A dynamic target: a temporary queue, its name returned in the attach (reference §7.2).
    if (auto refused = core_->create_temporary_queue(in->temporary_queue)) {
      refuse_link(link, condition_for(refused->code), refused->text);
      return;
    }
    in->target.destination.address = in->temporary_queue;
    in->target.routing_type = core::RoutingType::anycast;
    in->capability = true;
  } else if (address == nullptr || *address == '\0') {
    in->anonymous = true;
  } else {
    const auto hint = routing_hint(pn_terminus_capabilities(remote));
    in->capability = hint.has_value();
    in->target = core_->resolve(address, hint);
    if (auto refused = core_->check_send(in->target)) {
      refuse_link(link, "amqp:unauthorized-access", refused->text);
      return;
    }
  }
  pn_terminus_copy(pn_link_target(link), remote);
  if (!in->temporary_queue.empty())
    pn_terminus_set_address(pn_link_target(link), in->temporary_queue.c_str());
  pn_terminus_copy(pn_link_source(link), pn_link_remote_source(link));
  pn_link_set_rcv_settle_mode(link, PN_RCV_FIRST);  // `second` is not supported (§7.4)
  // With large messages on, a body goes to a file as it arrives: no size to announce.
  pn_link_set_max_message_size(
      link, core_->large_messages_enabled() && large_min_ >= 0 ? 0 : kMaxMessageBytes);
  pn_link_open(link);
  Incoming& ref = *in;
  incoming_[link] = std::move(in);
  top_up(ref);
}

// Where one message goes: the link's target, or (anonymous relay) the message's `to`; a
// routing type from the message's annotations when the link named none.
std::optional<core::Target> AmqpConnection::target_of(const Incoming& in) {
  if (!in.anonymous && (in.capability || !in.target.prefix.empty())) return in.target;
  const auto hint = message_routing_hint(pn_message_annotations(message_));
  if (!in.anonymous) {
    if (!hint) return in.target;
    return core_->resolve(in.target.destination.to_string(), hint);
  }
  const char* to = pn_message_get_address(message_);
  if (to == nullptr || *to == '\0') return std::nullopt;
  return core_->resolve(to, hint);
}

void AmqpConnection::top_up(Incoming& in) {
  if (in.blocked) return;
  const int credit = pn_link_credit(in.link);
  if (credit <= low_credits_) pn_link_flow(in.link, static_cast<int>(credits_) - credit);
}

bool AmqpConnection::take_bytes(Incoming& in, pn_delivery_t* d) {
  // Bounded by the bytes Proton holds for the delivery: every call takes some or stops.
  for (std::size_t pending = pn_delivery_pending(d); pending > 0;
       pending = pn_delivery_pending(d)) {
    const std::size_t at = in.partial.size();
    in.partial.resize(at + pending);
    const ssize_t n = pn_link_recv(in.link, in.partial.data() + at, pending);
    in.partial.resize(at + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n <= 0) break;
    partial_bytes_ += static_cast<std::size_t>(n);
  }
  return in.partial.size() <= kMaxMessageBytes && partial_bytes_ <= kMaxMessageBytes;
}

void AmqpConnection::receive(Incoming& in, pn_delivery_t* d) {
  if (in.waiting || !pn_delivery_readable(d)) return;  // a large message first (large_written)
  if (in.large) return receive_large(in, d);
  const bool within_limit = take_bytes(in, d);
  const bool complete = !pn_delivery_partial(d);
  if (within_limit && !complete && start_large(in)) return receive_large(in, d);
  if (!within_limit) {
    refuse_link(in.link, "amqp:link:message-size-exceeded",
                "a message larger than " + std::to_string(kMaxMessageBytes) + " bytes");
  } else if (complete) {
    pn_link_advance(in.link);
    if (pn_delivery_aborted(d)) {
      pn_delivery_settle(d);
    } else if (in.coordinator) {
      control(d, in.partial);
      top_up(in);
    } else {
      transfer(in, d, in.partial);
    }
  }
  if (!within_limit || complete) {
    in.whole = false;
    partial_bytes_ -= in.partial.size();
    in.partial.clear();
    if (in.partial.capacity() > (1u << 20)) in.partial.shrink_to_fit();
  }
  if (!within_limit) forget_link(in.link, true);  // destroys `in`
}

void AmqpConnection::transfer(Incoming& in, pn_delivery_t* d, std::string_view bytes,
                              std::shared_ptr<store::LargeBody> large_body) {
  pn_link_t* link = in.link;
  const bool presettled = pn_delivery_settled(d);
  std::string why;
  std::optional<core::MessagePtr> m =
      message_from_amqp(message_, bytes, ctx_.scheduler.now_ms(), duplicate_detection_, why);
  if (m && large_body) core::attach_large_body(**m, std::move(large_body));
  if (!m) {
    reject(d, "amqp:decode-error", why);
  } else if (const auto target = target_of(in); !target) {
    reject(d, "amqp:invalid-field", "a message sent on the anonymous relay needs a `to` address");
  } else {
    // A pre-settled transfer is at most once: nothing to answer, now or later.
    // A transfer in a transaction (transactional state) is part of it (reference §7.4).
    const std::string tx = transaction_of_transfer(d);
    core::ServerSession::Completion done = [](std::error_code) {};
    if (!presettled && tx.empty())
      done = [this, d](std::error_code ec) { settle_transfer(d, ec); };
    else if (!presettled)
      done = [this, d, tx](std::error_code ec) { settle_transfer(d, ec, tx); };
    if (auto refused =
            core_->send(std::move(*m), *target, tx.empty() ? nullptr : &tx, std::move(done)))
      reject(d, condition_for(refused->code), refused->text);
  }
  if (presettled) pn_delivery_settle(d);
  if (!in.blocked && !in.anonymous && core_->producer_blocked(in.target, [this, link] {
        auto it = incoming_.find(link);
        if (it == incoming_.end()) return;
        it->second->blocked = false;
        top_up(*it->second);
        schedule_run();
      }))
    in.blocked = true;  // address-full-policy BLOCK: credit again once the address drains
  top_up(in);
}

void AmqpConnection::reject(pn_delivery_t* d, const char* condition,
                            const std::string& description) {
  if (pn_delivery_settled(d)) return;
  pn_disposition_t* local = pn_delivery_local(d);
  pn_condition_t* cond = pn_disposition_condition(local);
  pn_condition_set_name(cond, condition);
  pn_condition_set_description(cond, description.c_str());
  pn_delivery_update(d, PN_REJECTED);
  pn_delivery_settle(d);
}

// A send's completion: accepted once it is stored (and routed), or in its transaction;
// rejected when the store failed.
void AmqpConnection::settle_transfer(pn_delivery_t* d, std::error_code ec, const std::string& tx,
                                     const char* failure) {
  if (closed_) return;
  if (ec) {
    reject(d, failure, "could not be stored: " + ec.message());
  } else if (!tx.empty()) {
    accept_in_transaction(d, tx);
  } else {
    pn_delivery_update(d, PN_ACCEPTED);
    pn_delivery_settle(d);
  }
  if (running_)
    again_ = true;
  else
    schedule_run();
}

}  // namespace artemis::protocol::amqp
