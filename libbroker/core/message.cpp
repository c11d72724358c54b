#include "core/message.hpp"

namespace artemis::core {

std::size_t Message::memory_size() const {
  constexpr std::size_t overhead = 64;  // fixed fields, roughly what the encoding adds
  std::size_t n = overhead + record.body.size() + record.address.size();
  for (const auto& [k, v] : record.properties) n += k.size() + v.size() + 8;
  return n;
}

const std::string* Message::property(std::string_view name) const {
  auto it = record.properties.find(std::string(name));
  return it == record.properties.end() ? nullptr : &it->second;
}

std::optional<RoutingType> to_core(std::optional<store::RoutingType> rt) {
  if (!rt) return std::nullopt;
  return *rt == store::RoutingType::anycast ? RoutingType::anycast : RoutingType::multicast;
}

store::RoutingType to_store(RoutingType rt) {
  return rt == RoutingType::anycast ? store::RoutingType::anycast : store::RoutingType::multicast;
}

std::optional<Value> MessageFilterContext::get(std::string_view id) const {
  const auto& r = m_.record;
  if (id.starts_with("AMQ")) {
    if (id == "AMQPriority") return Value{std::int64_t{r.priority}};
    if (id == "AMQTimestamp") return Value{r.timestamp};
    if (id == "AMQExpiration") return Value{r.expiration};
    if (id == "AMQDurable") return Value{std::string(r.durable ? "DURABLE" : "NON_DURABLE")};
    if (id == "AMQAddress") return Value{r.address};
    if (id == "AMQSize") return Value{static_cast<std::int64_t>(m_.memory_size())};
    if (id == "AMQUserID") return Value{std::string("ID:") + std::to_string(r.id)};
    if (id == "AMQGroupID") {
      if (auto* g = m_.property(props::group_id)) return Value{*g};
      return std::nullopt;
    }
  }
  if (auto* v = m_.property(id)) return Value{*v};
  return std::nullopt;
}

bool matches(const std::optional<Filter>& filter, const Message& m) {
  if (!filter) return true;
  return filter->matches(MessageFilterContext(m));
}

}  // namespace artemis::core
