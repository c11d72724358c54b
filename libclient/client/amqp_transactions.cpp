// AmqpSession's transactions (session.hpp, amqp_session.hpp): declared on a coordinator link,
// sends and acknowledgements in them carry the transactional state, commit()/rollback()
// discharge them.
#include <fmt/core.h>
#include <proton/delivery.h>
#include <proton/disposition.h>
#include <proton/link.h>

#include "client/amqp_message.hpp"
#include "client/amqp_session.hpp"
#include "client/amqp_support.hpp"

namespace artemis::client {

using namespace amqp_support;

pn_delivery_t* AmqpSession::control(std::uint64_t code,
                                    const std::function<void(pn_data_t*)>& fields) {
  if (coordinator_ == nullptr) {
    coordinator_ = pn_sender(link_->session(), fmt::format("txn-{}", session_tag_).c_str());
    pn_terminus_t* target = pn_link_target(coordinator_);
    pn_terminus_set_type(target, PN_COORDINATOR);
    pn_data_t* caps = pn_terminus_capabilities(target);
    pn_data_put_array(caps, false, PN_SYMBOL);
    pn_data_enter(caps);
    pn_data_put_symbol(caps, bytes_of("amqp:local-transactions"));
    pn_data_exit(caps);
    pn_link_open(coordinator_);
  }
  pn_link_t* c = coordinator_;
  wait([c] { return pn_link_credit(c) > 0 || refused(c); }, "no transaction coordinator");
  if (refused(c))
    throw ClientError(ErrorKind::broker_error,
                      fmt::format("{}: transactions refused: {}", link_->server().to_string(),
                                  condition_of(pn_link_remote_condition(c), "no coordinator")));
  pn_message_clear(scratch_.get());
  pn_data_t* body = pn_message_body(scratch_.get());
  pn_data_put_described(body);
  pn_data_enter(body);
  pn_data_put_ulong(body, code);
  pn_data_put_list(body);
  pn_data_enter(body);
  fields(body);
  pn_data_exit(body);
  pn_data_exit(body);
  if (!encode_message(scratch_.get(), bytes_))
    throw ClientError(ErrorKind::invalid_argument, "cannot encode a transaction control message");
  ++tags_;
  pn_delivery_t* d = pn_delivery(c, pn_dtag(reinterpret_cast<const char*>(&tags_), sizeof tags_));
  pn_link_send(c, bytes_.data(), bytes_.size());
  pn_link_advance(c);
  control_ = d;
  wait([d] { return pn_delivery_remote_state(d) != 0; },
       "no answer from the transaction coordinator");
  control_ = nullptr;
  return d;
}

void AmqpSession::ensure_transaction() {
  if (!transacted() || tx_open_ || tx_lost_) return;
  pn_delivery_t* d = control(kDeclare, [](pn_data_t*) {});
  pn_data_t* declared = pn_disposition_data(pn_delivery_remote(d));
  pn_data_rewind(declared);
  if (pn_delivery_remote_state(d) != kDeclared || !pn_data_next(declared) ||
      pn_data_type(declared) != PN_LIST || !pn_data_enter(declared) || !pn_data_next(declared) ||
      pn_data_type(declared) != PN_BINARY) {
    const auto why = condition_of(pn_disposition_condition(pn_delivery_remote(d)), "not declared");
    pn_delivery_settle(d);
    throw ClientError(ErrorKind::broker_error,
                      fmt::format("{}: transaction refused: {}", link_->server().to_string(), why));
  }
  const pn_bytes_t id = pn_data_get_binary(declared);
  tx_id_.assign(id.start, id.size);
  pn_delivery_settle(d);
  tx_open_ = true;
}

void AmqpSession::put_transactional_state(pn_delivery_t* d, bool accepted) {
  pn_data_t* state = pn_disposition_data(pn_delivery_local(d));
  pn_data_clear(state);
  pn_data_put_list(state);
  pn_data_enter(state);
  pn_data_put_binary(state, bytes_of(tx_id_));
  if (accepted) {
    pn_data_put_described(state);
    pn_data_enter(state);
    pn_data_put_ulong(state, kAcceptedOutcome);
    pn_data_put_list(state);
    pn_data_exit(state);
  }
  pn_data_exit(state);
  pn_delivery_update(d, kTransactionalState);
}

std::uint64_t AmqpSession::discharge(bool fail) {
  pn_delivery_t* d = control(kDischarge, [&](pn_data_t* f) {
    pn_data_put_binary(f, bytes_of(tx_id_));
    pn_data_put_bool(f, fail);
  });
  const auto outcome = pn_delivery_remote_state(d);
  if (outcome != PN_ACCEPTED)
    error_ =
        fmt::format("{}: {} refused: {}", link_->server().to_string(), fail ? "rollback" : "commit",
                    condition_of(pn_disposition_condition(pn_delivery_remote(d)), "rejected"));
  pn_delivery_settle(d);
  return outcome;
}

void AmqpSession::commit() {
  if (!transacted())
    throw ClientError(ErrorKind::invalid_argument, "commit() on a session that is not transacted");
  if (tx_lost_) {
    tx_lost_ = false;
    throw ClientError(ErrorKind::transaction_rolled_back,
                      "the transaction was rolled back by failover; its messages were not sent");
  }
  if (!tx_open_) return;  // nothing happened in this transaction
  const auto epoch = epoch_;
  with_failover([&] {
    if (epoch != epoch_) return;  // failover during commit: outcome handled below
    discharge(false);
  });
  tx_open_ = false;
  if (epoch != epoch_) {
    tx_lost_ = false;
    throw ClientError(ErrorKind::transaction_rolled_back,
                      "failover during commit: the outcome is unknown; sending the same messages "
                      "again is safe (the broker drops duplicates by _AMQ_DUPL_ID)");
  }
  throw_pending_error();
}

void AmqpSession::rollback() {
  if (!transacted())
    throw ClientError(ErrorKind::invalid_argument,
                      "rollback() on a session that is not transacted");
  if (tx_lost_ || !tx_open_) {
    tx_lost_ = false;
    tx_open_ = false;
    return;
  }
  with_failover([&] {
    if (!tx_open_) return;  // failover already discarded it
    discharge(true);
  });
  tx_open_ = false;
  tx_lost_ = false;
  throw_pending_error();
}

}  // namespace artemis::client
