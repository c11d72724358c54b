#include "client/message.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "util/strings.hpp"

namespace artemis::client {

const std::string* Message::property(std::string_view name) const {
  const auto it = properties.find(std::string(name));
  return it == properties.end() ? nullptr : &it->second;
}

std::string Message::duplicate_id() const {
  const auto* v = property(kDuplicateIdHeader);
  return v ? *v : std::string();
}

std::ostream& operator<<(std::ostream& os, const Message& m) {
  os << "Message[id=" << m.message_id << ", " << (m.type == BodyType::text ? "text" : "bytes")
     << " body[" << m.body.size() << "], "
     << (m.delivery == Delivery::persistent ? "persistent" : "non-persistent");
  for (const auto& [k, v] : m.properties) os << ", " << k << "=" << v;
  return os << "]";
}

namespace {

// MESSAGE headers that describe the delivery rather than carry an application property.
constexpr std::array<std::string_view, 19> kProtocolHeaders = {
    "subscription", "message-id", "destination", "ack", "content-length", "content-type",
    "persistent", "priority", "expires", "timestamp", "redelivered", "destination-type",
    "ingress-timestamp", "correlation-id", "reply-to", "type", "JMSXGroupID", "receipt",
    "transaction"};

bool is_protocol_header(std::string_view name) {
  return std::find(kProtocolHeaders.begin(), kProtocolHeaders.end(), name) != kProtocolHeaders.end();
}

}  // namespace

stomp::Frame to_send_frame(const Message& m, const std::string& destination_header,
                           const std::string& routing) {
  stomp::Frame f;
  f.command = "SEND";
  f.add("destination", destination_header);
  if (!routing.empty()) f.add("destination-type", routing);
  f.add("persistent", m.delivery == Delivery::persistent ? "true" : "false");
  if (m.expiration_ms > 0) f.add("expires", std::to_string(m.expiration_ms));
  if (!m.group_id.empty()) f.add("JMSXGroupID", m.group_id);
  if (m.priority >= 0) f.add("priority", std::to_string(m.priority));
  for (const auto& [k, v] : m.properties) f.add(k, v);
  // content-length marks a bytes message (the broker stores text otherwise).
  if (m.type == BodyType::bytes) f.add("content-length", std::to_string(m.body.size()));
  f.body = m.body;
  return f;
}

Message from_message_frame(const stomp::Frame& f) {
  Message m;
  m.type = f.header("content-length") ? BodyType::bytes : BodyType::text;
  m.body = f.body;
  m.message_id = f.header_or("message-id", "");
  m.destination = f.header_or("destination", "");
  m.redelivered = f.header_or("redelivered", "false") == "true";
  m.delivery = f.header_or("persistent", "false") == "true" ? Delivery::persistent : Delivery::non_persistent;
  if (const auto* g = f.header("JMSXGroupID")) m.group_id = *g;
  auto number = [&](const char* name) -> std::optional<std::int64_t> {
    const auto* v = f.header(name);
    return v != nullptr ? util::parse_int(*v) : std::nullopt;
  };
  if (auto p = number("priority"); p && *p >= 0 && *p <= 9) m.priority = static_cast<int>(*p);
  if (auto e = number("expires"); e && *e > 0) m.expiration_ms = *e;
  if (auto t = number("timestamp"); t && *t > 0) m.timestamp_ms = *t;
  for (const auto& [k, v] : f.headers) {
    if (is_protocol_header(k)) continue;
    m.properties.emplace(k, v);  // first occurrence wins
  }
  return m;
}

}  // namespace artemis::client
