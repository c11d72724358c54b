#include "protocol/amqp/terminus.hpp"

namespace artemis::protocol::amqp {
namespace {

constexpr std::uint64_t kSelectorCode = 0x0000468C00000004;
constexpr std::uint64_t kNoLocalCode = 0x0000468C00000003;

std::string_view data_view(pn_bytes_t b) {
  return {b.start, b.size};
}

// Calls fn(symbol) for the capability at the cursor: one symbol or an array of them.
template <class Fn>
void each_symbol(pn_data_t* d, Fn&& fn) {
  pn_data_rewind(d);
  if (!pn_data_next(d)) return;
  if (pn_data_type(d) == PN_SYMBOL) {
    fn(data_view(pn_data_get_symbol(d)));
    return;
  }
  if (pn_data_type(d) != PN_ARRAY && pn_data_type(d) != PN_LIST) return;
  pn_data_enter(d);
  while (pn_data_next(d))
    if (pn_data_type(d) == PN_SYMBOL) fn(data_view(pn_data_get_symbol(d)));
  pn_data_exit(d);
}

}  // namespace

std::optional<core::RoutingType> routing_hint(pn_data_t* capabilities) {
  std::optional<core::RoutingType> hint;
  each_symbol(capabilities, [&](std::string_view c) {
    if (c == "queue" || c == "temporary-queue")
      hint = core::RoutingType::anycast;
    else if (c == "topic" || c == "temporary-topic")
      hint = core::RoutingType::multicast;
  });
  return hint;
}

bool has_capability(pn_data_t* capabilities, std::string_view capability) {
  bool found = false;
  each_symbol(capabilities, [&](std::string_view c) { found = found || c == capability; });
  return found;
}

std::optional<core::RoutingType> message_routing_hint(pn_data_t* d) {
  pn_data_rewind(d);
  if (!pn_data_next(d) || pn_data_type(d) != PN_MAP) return std::nullopt;
  const std::size_t pairs = pn_data_get_map(d) / 2;
  std::optional<core::RoutingType> by_type, by_jms_dest;
  pn_data_enter(d);
  for (std::size_t i = 0; i < pairs && pn_data_next(d); ++i) {
    const bool symbol = pn_data_type(d) == PN_SYMBOL;
    const std::string_view key = symbol ? data_view(pn_data_get_symbol(d)) : std::string_view{};
    if (!pn_data_next(d)) break;
    std::optional<std::int64_t> v;
    switch (pn_data_type(d)) {
      case PN_BYTE:
        v = pn_data_get_byte(d);
        break;
      case PN_UBYTE:
        v = pn_data_get_ubyte(d);
        break;
      case PN_INT:
        v = pn_data_get_int(d);
        break;
      case PN_LONG:
        v = pn_data_get_long(d);
        break;
      default:
        break;
    }
    if (!v) continue;
    if (key == "x-opt-routing-type" && (*v == 0 || *v == 1))
      by_type = *v == 1 ? core::RoutingType::anycast : core::RoutingType::multicast;
    else if (key == "x-opt-jms-dest" && *v >= 0 && *v <= 3)
      by_jms_dest = *v % 2 == 0 ? core::RoutingType::anycast : core::RoutingType::multicast;
  }
  pn_data_exit(d);
  return by_type ? by_type : by_jms_dest;
}

SourceFilters read_filters(pn_data_t* d) {
  SourceFilters out;
  pn_data_rewind(d);
  if (!pn_data_next(d) || pn_data_type(d) != PN_MAP) return out;
  const std::size_t pairs = pn_data_get_map(d) / 2;
  pn_data_enter(d);
  for (std::size_t i = 0; i < pairs && pn_data_next(d); ++i) {
    if (!pn_data_next(d)) break;  // past the key, to the described value
    if (pn_data_type(d) != PN_DESCRIBED) continue;
    pn_data_enter(d);
    pn_data_next(d);
    bool selector = false, no_local = false;
    if (pn_data_type(d) == PN_ULONG) {
      selector = pn_data_get_ulong(d) == kSelectorCode;
      no_local = pn_data_get_ulong(d) == kNoLocalCode;
    } else if (pn_data_type(d) == PN_SYMBOL) {
      selector = data_view(pn_data_get_symbol(d)) == "apache.org:selector-filter:string";
      no_local = data_view(pn_data_get_symbol(d)) == "apache.org:no-local-filter:list";
    }
    if (pn_data_next(d) && selector && pn_data_type(d) == PN_STRING)
      out.selector = std::string(data_view(pn_data_get_string(d)));
    out.no_local = out.no_local || no_local;
    pn_data_exit(d);
  }
  pn_data_exit(d);
  return out;
}

}  // namespace artemis::protocol::amqp
