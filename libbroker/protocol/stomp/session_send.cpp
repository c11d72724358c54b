// SEND and transactions (reference §6.2, §6.3, §6.6), plus the destination handling SEND and
// SUBSCRIBE share: acceptor prefixes, routing type, authorisation, auto-creation.
#include <fmt/core.h>

#include "core/address_settings.hpp"
#include "core/broker_core.hpp"
#include "core/errors.hpp"
#include "protocol/stomp/message_mapping.hpp"
#include "protocol/stomp/session.hpp"
#include "util/strings.hpp"

namespace artemis::protocol::stomp_session {
namespace {

std::vector<std::string> prefixes(const config::TransportConfig& t, const char* name) {
  std::vector<std::string> out;
  auto it = t.params.find(name);
  if (it == t.params.end()) return out;
  for (auto& p : util::split(it->second, ','))
    if (!util::trim(p).empty()) out.emplace_back(util::trim(p));
  return out;
}

}  // namespace

StompSession::Target StompSession::resolve(const std::string& destination,
                                           const std::string* type_header) const {
  Target t;
  std::string name = destination;
  const auto& acceptor = conn_.acceptor();
  for (const auto& [param, rt] : {std::pair{"anycastPrefix", core::RoutingType::anycast},
                                  std::pair{"multicastPrefix", core::RoutingType::multicast}}) {
    for (const auto& p : prefixes(acceptor, param)) {
      if (t.prefix.empty() && util::starts_with(name, p) && name.size() > p.size()) {
        t.prefix = p;
        t.explicit_type = rt;
        name = name.substr(p.size());
      }
    }
  }
  if (type_header != nullptr) {
    if (*type_header == "ANYCAST") t.explicit_type = core::RoutingType::anycast;
    else if (*type_header == "MULTICAST") t.explicit_type = core::RoutingType::multicast;
  }
  t.destination = core::Destination::parse(name);
  return t;
}

// Artemis reads these headers as its RoutingType names, so spelling is exact.
Outcome StompSession::check_routing_type(const codec::Frame& f, const char* header) {
  const auto* v = f.header(header);
  if (v == nullptr || *v == "ANYCAST" || *v == "MULTICAST") return std::nullopt;
  return Refusal{fmt::format("Invalid {} '{}'", header, *v),
                 fmt::format("{} must be ANYCAST or MULTICAST, got '{}'", header, *v), true};
}

Outcome StompSession::authorize(security::Permission p, const std::string& address) {
  if (ctx_.security.authorize(*subject_, p, address)) return std::nullopt;
  return Refusal{fmt::format("User: {} does not have permission='{}' on address {}",
                             subject_->user, security::to_string(p), address),
                 "", false};
}

// Auto-creates what the destination needs (reference §1.6) after authorising it.
Outcome StompSession::ensure_exists(const Target& t) {
  auto& po = ctx_.core.post_office();
  const std::string& address = t.destination.address;
  std::optional<core::RoutingType> rt = t.explicit_type;
  if (!rt && po.find_address(address) == nullptr)
    rt = po.settings_for(address).default_address_routing_type;
  core::AutoCreatePlan plan;
  if (auto ec = po.plan_auto_create(t.destination, rt, plan)) {
    if (ec == core::errc::illegal_routing_type)
      return Refusal{"Illegal routing semantics",
                     fmt::format("address {} does not support routing type {}", address,
                                 config::to_string(*rt)),
                     false};
    return Refusal{fmt::format("Destination {} does not exist", t.destination.to_string()),
                   ec.message(), false};
  }
  if (plan.nothing()) return std::nullopt;
  if (plan.create_address || plan.add_routing_type)
    if (auto r = authorize(security::Permission::create_address, address)) return r;
  if (plan.create_queue)
    if (auto r = authorize(security::Permission::create_durable_queue, address)) return r;
  if (auto ec = po.apply_auto_create(t.destination, *rt, plan))
    return Refusal{fmt::format("Could not create {}", t.destination.to_string()), ec.message(),
                   false};
  return std::nullopt;
}

Outcome StompSession::on_send(const codec::Frame& f) {
  const auto* dest = f.header("destination");
  if (dest == nullptr || dest->empty())
    return Refusal{"Destination is required", "SEND needs a 'destination' header", false};
  if (auto r = check_routing_type(f, "destination-type")) return r;
  const Target t = resolve(*dest, f.header("destination-type"));
  auto& po = ctx_.core.post_office();
  const std::string checked = t.destination.to_string();
  if (auto r = authorize(security::Permission::send, checked)) return r;
  if (auto r = ensure_exists(t)) return r;
  if (po.must_fail(t.destination.address))
    return Refusal{fmt::format("Address {} is full", t.destination.address),
                   "address-full-policy FAIL refused the message", false};
  std::string why;
  auto m = message_from_send(f, t.prefix, t.explicit_type, ctx_.scheduler.now_ms(), why);
  if (!m) return Refusal{"Invalid SEND frame", why, false};
  (*m)->record.properties[std::string(core::props::connection_id)] = std::to_string(conn_.id());

  if (const auto* tx = f.header("transaction")) {
    auto it = transactions_.find(*tx);
    if (it == transactions_.end())
      return Refusal{"No transaction started", fmt::format("transaction '{}' is not open", *tx), false};
    if (it->second.size() >= kMaxMessagesPerTransaction)
      return Refusal{"Transaction too large",
                     fmt::format("at most {} messages per transaction", kMaxMessagesPerTransaction),
                     false};
    it->second.push_back({*m, t.destination});
    if (f.header("receipt")) receipt_slot(f)({});
    return std::nullopt;
  }
  // Every send takes a slot so receipts keep request order; only durable ones wait.
  auto done = receipt_slot(f);
  po.send(*m, t.destination, std::move(done));
  if (po.blocked(t.destination.address) && !paused_for_address_) {
    // address-full-policy BLOCK: stop reading this producer until the address drains.
    paused_for_address_ = true;
    conn_.pause_reading();
    po.when_unblocked(t.destination.address, [this, alive = alive_] {
      if (!*alive) return;
      paused_for_address_ = false;
      if (!paused_for_receipts_) conn_.resume_reading();
    });
  }
  return std::nullopt;
}

Outcome StompSession::on_begin(const codec::Frame& f) {
  const auto* tx = f.header("transaction");
  if (tx == nullptr) return Refusal{"Transaction header is required", "BEGIN needs 'transaction'", false};
  if (transactions_.count(*tx))
    return Refusal{"Transaction already started", fmt::format("transaction '{}' is already open", *tx), false};
  if (transactions_.size() >= kMaxTransactions)
    return Refusal{"Too many transactions",
                   fmt::format("at most {} open transactions per connection", kMaxTransactions), false};
  transactions_[*tx];
  if (f.header("receipt")) receipt_slot(f)({});
  return std::nullopt;
}

Outcome StompSession::on_commit(const codec::Frame& f) {
  const auto* tx = f.header("transaction");
  if (tx == nullptr) return Refusal{"Transaction header is required", "COMMIT needs 'transaction'", false};
  auto it = transactions_.find(*tx);
  if (it == transactions_.end())
    return Refusal{"No transaction started", fmt::format("transaction '{}' is not open", *tx), false};
  auto sends = std::move(it->second);
  transactions_.erase(it);
  auto done = receipt_slot(f);
  if (sends.empty()) {
    done({});
    return std::nullopt;
  }
  ctx_.core.post_office().send_transaction(std::move(sends), std::move(done));
  return std::nullopt;
}

Outcome StompSession::on_abort(const codec::Frame& f) {
  const auto* tx = f.header("transaction");
  if (tx == nullptr) return Refusal{"Transaction header is required", "ABORT needs 'transaction'", false};
  if (transactions_.erase(*tx) == 0)
    return Refusal{"No transaction started", fmt::format("transaction '{}' is not open", *tx), false};
  if (f.header("receipt")) receipt_slot(f)({});
  return std::nullopt;
}

}  // namespace artemis::protocol::stomp_session
