#include "protocol/stomp/message_mapping.hpp"

#include <array>
#include <charconv>

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

std::optional<core::MessagePtr> message_from_send(codec::Frame& f, const std::string& prefix,
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
  if (const auto* ct = f.header("content-type")) r.properties.set(content_type_property, *ct);
  if (const auto* g = f.header("JMSXGroupID")) r.properties.set(core::props::group_id, *g);
  if (!prefix.empty()) r.properties.set(prefix_property, prefix);
  for (const auto& [k, v] : f.headers) {
    if (consumed(k) || internal_property(k)) continue;
    r.properties.emplace(k, v);  // first occurrence wins (STOMP 1.2 repeated headers)
  }
  r.body = std::move(f.body);  // the frame is done with: the decoder's copy becomes the message's
  return m;
}

namespace {

// MESSAGE headers the broker writes itself; a property of the same name (another protocol may
// have set one) is not repeated.
constexpr std::array<std::string_view, 13> fixed_headers{
    "subscription", "message-id",       "destination",  "expires",     "redelivered",
    "priority",     "persistent",       "timestamp",    "destination-type",
    "content-type", "JMSXGroupID",      "ack",          "content-length"};

bool fixed(std::string_view name) {
  for (auto h : fixed_headers)
    if (h == name) return true;
  return false;
}

}  // namespace

void encode_message(std::string& out, const core::MessageRef& ref, const DeliveryHeaders& h,
                    codec::Version version) {
  const auto& r = ref.message->record;
  // One allocation for the frame: the body plus a generous guess at the headers.
  out.reserve(out.size() + r.body.size() + 256 + r.properties.byte_size() * 2);
  codec::FrameWriter w(out, "MESSAGE", version);
  w.header("subscription", h.subscription);
  w.header("message-id", h.ack_id);
  char number[24];
  if (const auto prefix = ref.message->property(prefix_property)) {
    std::string destination;
    destination.reserve(prefix->size() + r.address.size());
    destination.append(*prefix).append(r.address);
    w.header("destination", destination);
  } else {
    w.header("destination", r.address);
  }
  auto integer = [&](const char* name, std::int64_t v) {
    const auto end = std::to_chars(number, number + sizeof number, v).ptr;
    w.header(name, std::string_view(number, static_cast<std::size_t>(end - number)));
  };
  integer("expires", r.expiration);
  w.header("redelivered", ref.delivery_count > 0 ? "true" : "false");
  integer("priority", r.priority);
  w.header("persistent", r.durable ? "true" : "false");
  integer("timestamp", r.timestamp);
  if (r.routing_type)
    w.header("destination-type", *r.routing_type == store::RoutingType::anycast ? "ANYCAST" : "MULTICAST");
  if (const auto ct = ref.message->property(content_type_property)) w.header("content-type", *ct);
  if (const auto g = ref.message->property(core::props::group_id)) w.header("JMSXGroupID", *g);
  if (h.ack_header) w.header("ack", h.ack_id);
  // STOMP headers are text: a typed property goes out rendered as a string; a null one has no
  // text at all and is left out.
  for (const auto& [k, v] : r.properties) {
    if (v.is_null() || internal_property(k) || fixed(k)) continue;
    if (const auto text = v.text()) w.header(k, *text);
    else w.header(k, v.as_string());
  }
  // Only a text body may end at the first NUL; every other kind (bytes, or the encoded map,
  // stream, object or AMQP body another protocol sent) needs its length.
  w.body(r.body, r.type != store::BodyType::text);
}

}  // namespace artemis::protocol::stomp_session
