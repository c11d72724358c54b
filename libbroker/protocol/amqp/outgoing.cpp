// Links the client receives on (reference §7.3, §7.4): a core consumer per link, message
// credit from the link's flow, deliveries out and dispositions back.
#include <proton/delivery.h>
#include <proton/disposition.h>
#include <proton/link.h>
#include <proton/terminus.h>

#include <cstring>

#include "protocol/amqp/links.hpp"
#include "protocol/amqp/message_mapping.hpp"
#include "protocol/amqp/terminus.hpp"

namespace artemis::protocol::amqp {
namespace {

std::uint64_t message_id_of(pn_delivery_t* d) {
  const pn_delivery_tag_t tag = pn_delivery_tag(d);
  std::uint64_t id = 0;
  if (tag.size == sizeof id) std::memcpy(&id, tag.start, sizeof id);
  return id;
}

}  // namespace

void AmqpConnection::open_outgoing(pn_link_t* link) {
  pn_terminus_t* remote = pn_link_remote_source(link);
  std::string temporary;
  if (pn_terminus_is_dynamic(remote)) {
    // A dynamic source: a temporary queue to consume, its name returned in the attach (§7.3).
    if (auto refused = core_->create_temporary_queue(temporary)) {
      refuse_link(link, condition_for(refused->code), refused->text);
      return;
    }
  }
  pn_data_t* capabilities = pn_terminus_capabilities(remote);
  const bool shared = has_capability(capabilities, "shared");
  core::ConsumerRequest request;
  // A shared subscription is named after the link name up to its first '|' (clients tell
  // their links to one subscription apart after it); `global` drops the container id.
  std::string name = pn_link_name(link);
  if (shared) name = name.substr(0, name.find('|'));
  request.global = shared && has_capability(capabilities, "global");
  std::string found;  // the address of an existing durable subscription
  const char* address = temporary.empty() ? pn_terminus_get_address(remote) : temporary.c_str();
  if (address == nullptr || *address == '\0') {
    // No source: the client re-attaches to its durable subscription by link name (§7.3).
    auto existing = core_->durable_subscription_address(name, request.global);
    if (!existing) {
      refuse_link(link, "amqp:not-found", "no durable subscription named " + name);
      return;
    }
    found = std::move(*existing);
    address = found.c_str();
  }
  request.target = core_->resolve(
      address, found.empty() ? routing_hint(capabilities) : core::RoutingType::multicast);
  const SourceFilters filters = read_filters(pn_terminus_filter(remote));
  if (pn_terminus_get_distribution_mode(remote) == PN_DIST_MODE_COPY) {
    open_browser(link, request.target, filters.selector);
    return;
  }
  request.selector = filters.selector;
  request.no_local = filters.no_local;
  // On a multicast address a durable terminus is a durable subscription (queue
  // <container-id>.<name>), a shared one without durability a shared volatile subscription.
  if (!found.empty() || pn_terminus_get_durability(remote) != PN_NONDURABLE)
    request.durable_name = name;
  else if (shared)
    request.shared_volatile_name = name;
  request.credit_mode = core::CreditMode::messages;
  request.credit_messages = 0;  // granted by the link's flow (sync_credit)

  auto out = std::make_unique<Outgoing>();
  out->owner = this;
  out->link = link;
  out->presettled = pn_link_remote_snd_settle_mode(link) == PN_SND_SETTLED;
  out->temporary_queue = temporary;
  if (!temporary.empty()) request.target.routing_type = core::RoutingType::anycast;
  core::ConsumerInfo info;
  if (auto refused = core_->create_consumer(request, *out, info)) {
    if (!temporary.empty()) core_->delete_temporary_queue(temporary);
    refuse_link(link, condition_for(refused->code), refused->text);
    return;
  }
  out->consumer_id = info.id;
  out->consumer = core_->consumer(info.id);
  if (request.durable_name && info.subscription) out->durable_name = request.durable_name;
  out->global = request.global;
  pn_terminus_copy(pn_link_source(link), remote);
  if (!found.empty()) describe_subscription(pn_link_source(link), found);
  if (!temporary.empty()) pn_terminus_set_address(pn_link_source(link), temporary.c_str());
  pn_terminus_copy(pn_link_target(link), pn_link_remote_target(link));
  pn_link_set_snd_settle_mode(link, pn_link_remote_snd_settle_mode(link));
  pn_link_open(link);
  Outgoing& ref = *out;
  outgoing_[link] = std::move(out);
  sync_credit(ref);
}

// The source a re-attach without one gets back: the subscription's address, durable, as a
// topic.
void AmqpConnection::describe_subscription(pn_terminus_t* source, const std::string& address) {
  pn_terminus_set_type(source, PN_SOURCE);
  pn_terminus_set_address(source, address.c_str());
  pn_terminus_set_durability(source, PN_DELIVERIES);
  pn_terminus_set_expiry_policy(source, PN_EXPIRE_NEVER);
  pn_data_t* caps = pn_terminus_capabilities(source);
  pn_data_clear(caps);
  pn_data_put_array(caps, false, PN_SYMBOL);
  pn_data_enter(caps);
  pn_data_put_symbol(caps, pn_bytes(5, "topic"));
  pn_data_exit(caps);
}

// A browser (distribution-mode copy, reference §7.3): the waiting messages that match, as
// they are when it attaches, sent as its credit allows and settled as they go; nothing is
// consumed.
void AmqpConnection::open_browser(pn_link_t* link, const core::Target& target,
                                  const std::string& selector) {
  auto out = std::make_unique<Outgoing>();
  out->owner = this;
  out->link = link;
  out->browser = true;
  if (auto refused = core_->browse(
          target, selector, [&](const core::MessageRef& ref) { out->browse.push_back(ref); })) {
    refuse_link(link, condition_for(refused->code), refused->text);
    return;
  }
  pn_terminus_copy(pn_link_source(link), pn_link_remote_source(link));
  pn_terminus_copy(pn_link_target(link), pn_link_remote_target(link));
  pn_link_set_snd_settle_mode(link, pn_link_remote_snd_settle_mode(link));
  pn_link_open(link);
  Outgoing& ref = *out;
  outgoing_[link] = std::move(out);
  sync_credit(ref);
}

pn_delivery_t* AmqpConnection::send_message(pn_link_t* link, const core::MessageRef& ref) {
  const std::uint64_t id = ref.message->id();
  if (!encode_delivery(ref, ctx_.scheduler.now_ms(), message_, buffer_)) return nullptr;
  char tag[sizeof id];
  std::memcpy(tag, &id, sizeof id);
  pn_delivery_t* d = pn_delivery(link, pn_dtag(tag, sizeof tag));
  pn_link_send(link, buffer_.data(), buffer_.size());
  pn_link_advance(link);
  return d;
}

void AmqpConnection::deliver(Outgoing& out, const core::MessageRef& ref) {
  if (ref.message->large) return start_stream(out, ref);
  const std::uint64_t id = ref.message->id();
  pn_delivery_t* d = send_message(out.link, ref);
  if (d == nullptr) {
    // Proton refused what it was given: nothing a client could receive. Dead-lettered rather
    // than offered again and again.
    core_->settle(out.consumer_id, id, core::Settlement{core::Outcome::rejected});
    return;
  }
  end_delivery(out, d, id);
}

void AmqpConnection::end_delivery(Outgoing& out, pn_delivery_t* d, std::uint64_t id) {
  if (out.presettled) {
    pn_delivery_settle(d);
    out.consumer->ack(id);  // at most once: acknowledged as it is sent
  }
  if (running_)
    again_ = true;
  else
    schedule_run();
}

void AmqpConnection::settled_by_client(Outgoing& out, pn_delivery_t* d) {
  if (out.presettled || out.browser || !pn_delivery_updated(d)) return;
  core::Settlement how;
  pn_disposition_t* remote = pn_delivery_remote(d);
  switch (pn_delivery_remote_state(d)) {
    case PN_ACCEPTED:
      how.outcome = core::Outcome::accepted;
      break;
    case PN_RELEASED:
      how.outcome = core::Outcome::released;
      break;
    case PN_REJECTED:
      how.outcome = core::Outcome::rejected;
      break;
    case PN_MODIFIED:
      how.outcome = core::Outcome::modified;
      how.delivery_failed = pn_disposition_is_failed(remote);
      how.undeliverable_here = pn_disposition_is_undeliverable(remote);
      break;
    case 0:  // settled without an outcome: taken as accepted
      if (!pn_delivery_settled(d)) return;
      break;
    case kTransactionalState: {
      std::string tx;
      if (!transactional_settlement(d, tx, how)) return;
      if (auto refused = core_->settle(out.consumer_id, message_id_of(d), how, &tx)) {
        // Not settled: the client learns why, and the delivery goes back with the link.
        refuse_link(out.link, condition_for(refused->code), refused->text);
        return;
      }
      pn_delivery_settle(d);
      return;
    }
    default:
      return;  // `received`: progress only, no outcome yet
  }
  // An unknown delivery (its consumer was closed meanwhile) has nothing left to settle.
  core_->settle(out.consumer_id, message_id_of(d), how);
  pn_delivery_settle(d);
}

void AmqpConnection::sync_credit(Outgoing& out) {
  if (out.browser) {
    // Bounded by the snapshot: each round sends one of it.
    while (pn_link_credit(out.link) > 0 && !out.browse.empty()) {
      if (pn_delivery_t* d = send_message(out.link, out.browse.front())) pn_delivery_settle(d);
      out.browse.pop_front();
    }
    if (pn_link_get_drain(out.link) && pn_link_credit(out.link) > 0) pn_link_drained(out.link);
    if (running_)
      again_ = true;
    else
      schedule_run();
    return;
  }
  if (out.consumer == nullptr) return;
  const std::int64_t granted = pn_link_credit(out.link);
  if (granted > out.consumer->credit_messages())
    out.consumer->add_credit(granted - out.consumer->credit_messages());  // dispatches
  if (pn_link_get_drain(out.link) && pn_link_credit(out.link) > 0) {
    // Nothing more to send now: the unused credit goes back with a flow (reference §7.3).
    pn_link_drained(out.link);
    out.consumer->clear_credit();
  }
}

}  // namespace artemis::protocol::amqp
