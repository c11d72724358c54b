#pragma once
// What AmqpSession's files share (internal to libclient): credit, the AMQP codes it uses, and
// small Proton helpers.
#include <fmt/core.h>
#include <proton/codec.h>
#include <proton/condition.h>
#include <proton/connection.h>
#include <proton/link.h>
#include <proton/terminus.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "client/destination.hpp"

namespace artemis::client::amqp_support {

inline constexpr int kCredit = 1000;  // messages a receiver may have in flight
// Transaction types and states (AMQP 1.0 §4.5), the accepted outcome, the selector filter.
inline constexpr std::uint64_t kDeclare = 0x31;
inline constexpr std::uint64_t kDischarge = 0x32;
inline constexpr std::uint64_t kDeclared = 0x33;
inline constexpr std::uint64_t kTransactionalState = 0x34;
inline constexpr std::uint64_t kAcceptedOutcome = 0x24;
inline constexpr std::uint64_t kSelectorFilter = 0x0000468C00000004;

inline pn_bytes_t bytes_of(std::string_view s) {
  return pn_bytes(s.size(), s.data());
}

inline std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline std::string condition_of(pn_condition_t* c, const char* fallback) {
  if (c == nullptr || !pn_condition_is_set(c)) return fallback;
  const char* name = pn_condition_get_name(c);
  const char* description = pn_condition_get_description(c);
  return fmt::format("{}{}{}", name ? name : "", description ? ": " : "",
                     description ? description : "");
}

// The routing capability of a destination: `queue` or `topic`; an FQQN names its queue.
inline void put_capability(pn_terminus_t* t, const Destination& d) {
  if (d.is_fqqn()) return;
  const std::string_view cap = d.kind == DestinationKind::topic ? "topic" : "queue";
  pn_data_t* caps = pn_terminus_capabilities(t);
  pn_data_put_array(caps, false, PN_SYMBOL);
  pn_data_enter(caps);
  pn_data_put_symbol(caps, bytes_of(cap));
  pn_data_exit(caps);
}

inline std::string key_of(const Destination& d) {
  return (d.kind == DestinationKind::topic ? "topic:" : "queue:") + d.name;
}

inline bool refused(pn_link_t* l) {
  return (pn_link_state(l) & PN_REMOTE_CLOSED) != 0;
}

}  // namespace artemis::client::amqp_support
