#include "protocol/stomp/message_mapping.hpp"

#include <array>

#include "util/strings.hpp"

namespace artemis::protocol::stomp_session {
namespace {

// SEND headers with a meaning of their own; every other header becomes a string property.
constexpr std::array<std::string_view, 12> consumed_headers{
    "destination", "destination-type", "persistent",          "priority",
    "expires",     "content-length",   "transaction",         "receipt",
    "content-type", "JMSXGroupID",     "AMQ_SCHEDULED_DELAY", "AMQ_SCHEDULED_TIME"};

bool consumed(std::string_view name) {
  for (auto h : consumed_headers)
    if (h == name) return true;
  return false;
}

// Properties that stay inside the broker (or are rendered as their own header).
bool internal_property(std::string_view name) {
  return name == prefix_property || name == content_type_property ||
         name == core::props::connection_id || name == core::props::group_id;
}

}  // namespace

std::optional<core::MessagePtr> message_from_send(const codec::Frame& f, const std::string& prefix,
                                                  std::optional<core::RoutingType> routing_type,
                                                  std::int64_t now_ms, std::string& why) {
  auto m = std::make_shared<core::Message>();
  auto& r = m->record;
  r.timestamp = now_ms;
  r.durable = f.header_or("persistent", "false") == "true";
  if (const auto* p = f.header("priority")) {
    const auto v = util::parse_int(*p);
    if (!v || *v < 0 || *v > 9) {
      why = "priority must be 0-9, got '" + *p + "'";
      return std::nullopt;
    }
    r.priority = static_cast<std::uint8_t>(*v);
  }
  if (const auto* e = f.header("expires")) {
    const auto v = util::parse_int(*e);
    if (!v || *v < 0) {
      why = "expires must be an epoch time in ms (0 = never), got '" + *e + "'";
      return std::nullopt;
    }
    r.expiration = *v;
  }
  if (const auto* d = f.header("AMQ_SCHEDULED_DELAY")) {
    const auto v = util::parse_int(*d);
    if (!v || *v < 0) {
      why = "AMQ_SCHEDULED_DELAY must be a delay in ms, got '" + *d + "'";
      return std::nullopt;
    }
    r.scheduled = now_ms + *v;
  }
  if (const auto* t = f.header("AMQ_SCHEDULED_TIME")) {
    const auto v = util::parse_int(*t);
    if (!v || *v < 0) {
      why = "AMQ_SCHEDULED_TIME must be an epoch time in ms, got '" + *t + "'";
      return std::nullopt;
    }
    r.scheduled = *v;
  }
  if (routing_type) r.routing_type = core::to_store(*routing_type);
  r.type = f.header("content-length") ? store::BodyType::bytes : store::BodyType::text;
  if (const auto* ct = f.header("content-type")) r.properties[std::string(content_type_property)] = *ct;
  if (const auto* g = f.header("JMSXGroupID")) r.properties[std::string(core::props::group_id)] = *g;
  if (!prefix.empty()) r.properties[std::string(prefix_property)] = prefix;
  for (const auto& [k, v] : f.headers) {
    if (consumed(k) || internal_property(k)) continue;
    r.properties.emplace(k, v);  // first occurrence wins (STOMP 1.2 repeated headers)
  }
  r.body = f.body;
  return m;
}

codec::Frame message_frame(const core::MessageRef& ref, const DeliveryHeaders& h) {
  const auto& r = ref.message->record;
  codec::Frame f;
  f.headers.reserve(r.properties.size() + 16);  // the fixed headers below plus one per property
  f.command = "MESSAGE";
  f.add("subscription", h.subscription);
  f.add("message-id", h.ack_id);
  const auto* prefix = ref.message->property(prefix_property);
  f.add("destination", (prefix ? *prefix : std::string()) + r.address);
  f.add("expires", std::to_string(r.expiration));
  f.add("redelivered", ref.delivery_count > 0 ? "true" : "false");
  f.add("priority", std::to_string(r.priority));
  f.add("persistent", r.durable ? "true" : "false");
  f.add("timestamp", std::to_string(r.timestamp));
  if (r.routing_type)
    f.add("destination-type", *r.routing_type == store::RoutingType::anycast ? "ANYCAST" : "MULTICAST");
  if (const auto* ct = ref.message->property(content_type_property)) f.add("content-type", *ct);
  if (const auto* g = ref.message->property(core::props::group_id)) f.add("JMSXGroupID", *g);
  if (h.ack_header) f.add("ack", h.ack_id);
  // Only a text body may end at the first NUL; every other kind (bytes, or the encoded map,
  // stream, object or AMQP body another protocol sent) needs its length.
  if (r.type != store::BodyType::text) f.add("content-length", std::to_string(r.body.size()));
  // STOMP headers are text: a typed property goes out rendered as a string; a null one has no
  // text at all and is left out.
  for (const auto& [k, v] : r.properties) {
    if (v.is_null() || internal_property(k) || f.header(k) != nullptr) continue;
    f.add(k, v.as_string());
  }
  f.body = r.body;
  return f;
}

}  // namespace artemis::protocol::stomp_session
