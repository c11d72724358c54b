#include "core/message.hpp"

namespace artemis::core {
namespace {

Value filter_value_of(const store::PropertyView& v) {
  if (auto i = v.as_integer()) return Value{*i};
  if (auto d = v.as_floating()) return Value{*d};
  if (auto b = v.as_bool()) return Value{*b};
  if (auto s = v.text()) return Value{std::string(*s)};
  return Value{};  // null, binary
}

}  // namespace

std::size_t Message::memory_size() const {
  constexpr std::size_t overhead = 64;  // fixed fields, roughly what the encoding adds
  std::size_t n = overhead + record.body.size() + record.address.size();
  return n + record.properties.byte_size();
}

void attach_large_body(Message& m, std::shared_ptr<store::LargeBody> body) {
  m.record.id = body->message_id();
  m.record.large_body_size = body->size();
  m.record.body.clear();
  m.large = std::move(body);
}

std::error_code whole_body(const Message& m, std::string& out) {
  if (!m.large) {
    out = m.record.body;
    return {};
  }
  return store::read_large_body(*m.large, out);
}

std::optional<store::PropertyView> Message::typed_property(std::string_view name) const {
  return record.properties.find(name);
}

std::optional<std::string_view> Message::property(std::string_view name) const {
  const auto v = typed_property(name);
  if (!v) return std::nullopt;
  if (auto s = v->text()) return s;
  return v->binary();
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
      if (auto g = m_.property(props::group_id)) return Value{std::string(*g)};
      return std::nullopt;
    }
  }
  if (auto v = m_.typed_property(id)) return filter_value_of(*v);
  return std::nullopt;
}

bool matches(const std::optional<Filter>& filter, const Message& m) {
  if (!filter) return true;
  return filter->matches(MessageFilterContext(m));
}

}  // namespace artemis::core
