// Local transactions (reference §7.4): the coordinator link the client declares and discharges
// transactions on, and the transactional state of transfers and dispositions. A transaction is
// one of the core session's; its id on the wire is the bytes of its name.
#include <fmt/core.h>
#include <proton/codec.h>
#include <proton/delivery.h>
#include <proton/disposition.h>
#include <proton/link.h>
#include <proton/terminus.h>

#include <array>
#include <utility>

#include "protocol/amqp/links.hpp"

namespace artemis::protocol::amqp {
namespace {

// Descriptor codes of the transaction types (AMQP 1.0 §4.5) and of the outcomes (§3.4).
constexpr std::uint64_t kDeclare = 0x31;
constexpr std::uint64_t kDischarge = 0x32;
constexpr std::uint64_t kDeclared = 0x33;
constexpr std::uint64_t kAccepted = 0x24;
constexpr std::uint64_t kRejected = 0x25;
constexpr std::uint64_t kReleased = 0x26;
constexpr std::uint64_t kModified = 0x27;

// The code a descriptor at the cursor names: a ulong, or one of the symbols clients use
// instead (Qpid Proton's Python binding declares with `amqp:declare:list`). 0 when unknown.
std::uint64_t tx_descriptor(pn_data_t* d) {
  if (pn_data_type(d) == PN_ULONG) return pn_data_get_ulong(d);
  if (pn_data_type(d) != PN_SYMBOL) return 0;
  const pn_bytes_t s = pn_data_get_symbol(d);
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 6> names{{
      {"amqp:declare:list", kDeclare},
      {"amqp:discharge:list", kDischarge},
      {"amqp:accepted:list", kAccepted},
      {"amqp:rejected:list", kRejected},
      {"amqp:released:list", kReleased},
      {"amqp:modified:list", kModified},
  }};
  for (const auto& [name, code] : names)
    if (name == std::string_view(s.start, s.size)) return code;
  return 0;
}

// The transaction id at the cursor (binary; any other type names no transaction).
std::string tx_id_at(pn_data_t* d) {
  if (pn_data_type(d) != PN_BINARY) return {};
  const pn_bytes_t b = pn_data_get_binary(d);
  return {b.start, b.size};
}

}  // namespace

std::string transaction_of_transfer(pn_delivery_t* d) {
  if (pn_delivery_remote_state(d) != kTransactionalState) return {};
  pn_data_t* fields = pn_disposition_data(pn_delivery_remote(d));
  pn_data_rewind(fields);
  if (!pn_data_next(fields) || pn_data_type(fields) != PN_LIST || !pn_data_enter(fields) ||
      !pn_data_next(fields))
    return {};
  return tx_id_at(fields);
}

bool transactional_settlement(pn_delivery_t* d, std::string& tx, core::Settlement& how) {
  pn_data_t* fields = pn_disposition_data(pn_delivery_remote(d));
  pn_data_rewind(fields);
  if (!pn_data_next(fields) || pn_data_type(fields) != PN_LIST || !pn_data_enter(fields) ||
      !pn_data_next(fields))
    return false;
  tx = tx_id_at(fields);
  // The outcome: described(code, [fields]); none yet means no settlement yet.
  if (!pn_data_next(fields) || pn_data_type(fields) != PN_DESCRIBED || !pn_data_enter(fields) ||
      !pn_data_next(fields))
    return false;
  const std::uint64_t code = tx_descriptor(fields);
  bool failed = false;
  bool undeliverable = false;
  if (code == kModified && pn_data_next(fields) && pn_data_type(fields) == PN_LIST &&
      pn_data_enter(fields)) {
    if (pn_data_next(fields) && pn_data_type(fields) == PN_BOOL) failed = pn_data_get_bool(fields);
    if (pn_data_next(fields) && pn_data_type(fields) == PN_BOOL)
      undeliverable = pn_data_get_bool(fields);
  }
  switch (code) {
    case kAccepted:
      how.outcome = core::Outcome::accepted;
      return true;
    case kRejected:
      how.outcome = core::Outcome::rejected;
      return true;
    case kReleased:
      how.outcome = core::Outcome::released;
      return true;
    case kModified:
      how.outcome = core::Outcome::modified;
      how.delivery_failed = failed;
      how.undeliverable_here = undeliverable;
      return true;
    default:
      return false;
  }
}

void AmqpConnection::open_coordinator(pn_link_t* link) {
  auto in = std::make_unique<Incoming>();
  in->link = link;
  in->coordinator = true;
  pn_terminus_copy(pn_link_target(link), pn_link_remote_target(link));
  pn_terminus_copy(pn_link_source(link), pn_link_remote_source(link));
  pn_link_set_rcv_settle_mode(link, PN_RCV_FIRST);
  pn_link_open(link);
  Incoming& ref = *in;
  incoming_[link] = std::move(in);
  top_up(ref);
}

void AmqpConnection::control(pn_delivery_t* d, std::string_view bytes) {
  pn_message_clear(message_);
  pn_data_t* body = pn_message_body(message_);
  std::uint64_t code = 0;
  if (!bytes.empty() && pn_message_decode(message_, bytes.data(), bytes.size()) == 0) {
    pn_data_rewind(body);
    if (pn_data_next(body) && pn_data_type(body) == PN_DESCRIBED && pn_data_enter(body) &&
        pn_data_next(body))
      code = tx_descriptor(body);
  }
  // The fields list: declare [global-id], discharge [txn-id, fail].
  const bool fields =
      code != 0 && pn_data_next(body) && pn_data_type(body) == PN_LIST && pn_data_enter(body);
  if (code == kDeclare) {
    const std::string name = fmt::format("amqp-tx-{}", ++transactions_declared_);
    if (auto refused = core_->begin(name)) {
      reject(d, condition_for(refused->code), refused->text);
      return;
    }
    pn_data_t* declared = pn_disposition_data(pn_delivery_local(d));
    pn_data_clear(declared);
    pn_data_put_list(declared);
    pn_data_enter(declared);
    pn_data_put_binary(declared, pn_bytes(name.size(), name.data()));
    pn_data_exit(declared);
    pn_delivery_update(d, kDeclared);
    pn_delivery_settle(d);
  } else if (code == kDischarge && fields && pn_data_next(body)) {
    const std::string name = tx_id_at(body);
    const bool fail = pn_data_next(body) && pn_data_type(body) == PN_BOOL && pn_data_get_bool(body);
    if (!core_->in_transaction(name)) {
      reject(d, "amqp:transaction:unknown-id", "no open transaction has that id");
    } else if (fail) {
      core_->rollback(name);
      pn_delivery_update(d, PN_ACCEPTED);
      pn_delivery_settle(d);
    } else if (auto refused = core_->commit(name, [this, d](std::error_code ec) {
                 settle_transfer(d, ec, {}, "amqp:transaction:rollback");
               })) {
      reject(d, "amqp:transaction:rollback", refused->text);
    }
  } else {
    reject(d, "amqp:decode-error", "a coordinator takes declare and discharge messages only");
  }
}

void AmqpConnection::accept_in_transaction(pn_delivery_t* d, const std::string& tx) {
  pn_data_t* state = pn_disposition_data(pn_delivery_local(d));
  pn_data_clear(state);
  pn_data_put_list(state);
  pn_data_enter(state);
  pn_data_put_binary(state, pn_bytes(tx.size(), tx.data()));
  pn_data_put_described(state);
  pn_data_enter(state);
  pn_data_put_ulong(state, kAccepted);
  pn_data_put_list(state);
  pn_data_exit(state);
  pn_data_exit(state);
  pn_delivery_update(d, kTransactionalState);
  pn_delivery_settle(d);
}

}  // namespace artemis::protocol::amqp
