// SEND and transactions (reference §6.2, §6.3, §6.6), plus the destination handling SEND and
// SUBSCRIBE share. Permissions, auto-creation, address limits and transactions are the core
// ServerSession's; this maps frames onto it.
#include <fmt/core.h>

#include "core/broker_core.hpp"
#include "protocol/stomp/message_mapping.hpp"
#include "protocol/stomp/session.hpp"

namespace artemis::protocol::stomp_session {

core::Target StompSession::resolve(const std::string& destination,
                                   const std::string* type_header) const {
  std::optional<core::RoutingType> hint;
  if (type_header != nullptr) {
    if (*type_header == "ANYCAST") hint = core::RoutingType::anycast;
    else if (*type_header == "MULTICAST") hint = core::RoutingType::multicast;
  }
  return core_->resolve(destination, hint);
}

// Artemis reads these headers as its RoutingType names, so spelling is exact.
Outcome StompSession::check_routing_type(const codec::Frame& f, const char* header) {
  const auto* v = f.header(header);
  if (v == nullptr || *v == "ANYCAST" || *v == "MULTICAST") return std::nullopt;
  return Refusal{fmt::format("Invalid {} '{}'", header, *v),
                 fmt::format("{} must be ANYCAST or MULTICAST, got '{}'", header, *v), true};
}

Outcome StompSession::on_send(codec::Frame& f) {
  return send(f, nullptr);
}

Outcome StompSession::send(codec::Frame& f, std::shared_ptr<store::LargeBody> large) {
  const auto* dest = f.header("destination");
  if (dest == nullptr || dest->empty())
    return Refusal{"Destination is required", "SEND needs a 'destination' header", false};
  if (auto r = check_routing_type(f, "destination-type")) return r;
  const core::Target t = resolve(*dest, f.header("destination-type"));
  std::string why;
  auto m = message_from_send(f, t.prefix, t.routing_type, ctx_.scheduler.now_ms(), why);
  if (!m) return Refusal{"Invalid SEND frame", why, false};
  if (large) core::attach_large_body(**m, std::move(large));

  const auto* tx = f.header("transaction");
  // Every send outside a transaction takes a receipt slot, so receipts keep request order;
  // only durable ones wait for the disk.
  const bool slot_needed = tx == nullptr || f.header("receipt") != nullptr;
  std::uint64_t slot = 0;
  std::function<void(std::error_code)> done = [](std::error_code) {};
  if (slot_needed) {
    slot = new_receipt(f);
    done = completion(slot);
  }
  if (auto refused = core_->send(std::move(*m), t, tx, std::move(done))) {
    if (slot_needed) drop_receipt(slot);
    return refusal(*refused);
  }
  if (slot_needed) queue_receipt(slot);
  if (!paused_for_address_ && core_->producer_blocked(t, [this] {
        paused_for_address_ = false;
        resume_if_free();
      })) {
    // address-full-policy BLOCK: stop reading this producer until the address drains.
    paused_for_address_ = true;
    conn_.pause_reading();
  }
  return std::nullopt;
}

Outcome StompSession::on_begin(codec::Frame& f) {
  const auto* tx = f.header("transaction");
  if (tx == nullptr) return Refusal{"Transaction header is required", "BEGIN needs 'transaction'", false};
  if (auto refused = core_->begin(*tx)) return refusal(*refused);
  if (f.header("receipt")) receipt_slot(f)({});
  return std::nullopt;
}

Outcome StompSession::on_commit(codec::Frame& f) {
  const auto* tx = f.header("transaction");
  if (tx == nullptr) return Refusal{"Transaction header is required", "COMMIT needs 'transaction'", false};
  const auto slot = new_receipt(f);
  if (auto refused = core_->commit(*tx, completion(slot))) {
    drop_receipt(slot);
    return refusal(*refused);
  }
  queue_receipt(slot);
  return std::nullopt;
}

Outcome StompSession::on_abort(codec::Frame& f) {
  const auto* tx = f.header("transaction");
  if (tx == nullptr) return Refusal{"Transaction header is required", "ABORT needs 'transaction'", false};
  if (auto refused = core_->rollback(*tx)) return refusal(*refused);
  if (f.header("receipt")) receipt_slot(f)({});
  return std::nullopt;
}

}  // namespace artemis::protocol::stomp_session
