#include "protocol/stomp/message_mapping.hpp"

#include <array>
#include <charconv>

#include "util/strings.hpp"

namespace artemis::protocol::stomp_session {
namespace {

// SEND headers with a meaning of their own; every other header becomes a string property.
enum class SendHeader : std::uint8_t {
  property,  // kept as a string property
  dropped,   // a name the broker keeps for itself (never taken from a client)
  destination, destination_type, persistent, priority, expires, content_length, transaction,
  receipt, content_type, group_id, scheduled_delay, scheduled_time,
  count_
};

static_assert(prefix_property.size() == 11 && core::props::group_id.size() == 13 &&
              content_type_property.size() == 17);

// One comparison per header in the common case: the length picks the only candidate names.
SendHeader classify(std::string_view n) {
  using H = SendHeader;
  if (core::props::is_internal(n)) return H::dropped;  // a client cannot set the broker's own
  switch (n.size()) {
    case 7:
      if (n == "expires") return H::expires;
      if (n == "receipt") return H::receipt;
      break;
    case 8: return n == "priority" ? H::priority : H::property;
    case 10: return n == "persistent" ? H::persistent : H::property;
    case 11:
      if (n == "destination") return H::destination;
      if (n == "transaction") return H::transaction;
      if (n == "JMSXGroupID") return H::group_id;
      if (n == prefix_property) return H::dropped;
      break;
    case 12: return n == "content-type" ? H::content_type : H::property;
    case 13: return n == core::props::group_id ? H::dropped : H::property;
    case 14: return n == "content-length" ? H::content_length : H::property;
    case 16: return n == "destination-type" ? H::destination_type : H::property;
    case 17: return n == content_type_property ? H::dropped : H::property;
    case 18: return n == "AMQ_SCHEDULED_TIME" ? H::scheduled_time : H::property;
    case 19: return n == "AMQ_SCHEDULED_DELAY" ? H::scheduled_delay : H::property;
    default: break;
  }
  return H::property;
}

}  // namespace

std::optional<core::MessagePtr> message_from_send(codec::Frame& f, const std::string& prefix,
                                                  std::optional<core::RoutingType> routing_type,
                                                  std::int64_t now_ms, std::string& why) {
  // One pass finds the headers with a meaning (the first occurrence wins, STOMP 1.2) and sizes
  // the property set, so it is allocated once.
  using store::Properties;
  std::array<const std::string*, static_cast<std::size_t>(SendHeader::count_)> known{};
  std::size_t room = Properties::text_entry_size(core::props::connection_id.size(), 8);
  for (const auto& h : f.headers) {
    const auto kind = classify(h.first);
    if (kind == SendHeader::property) {
      room += Properties::text_entry_size(h.first.size(), h.second.size());
    } else {
      auto& slot = known[static_cast<std::size_t>(kind)];
      if (!slot) slot = &h.second;
    }
  }
  auto header = [&](SendHeader h) { return known[static_cast<std::size_t>(h)]; };
  auto non_negative = [&](SendHeader h, const char* what) -> std::optional<std::int64_t> {
    const auto* text = header(h);
    if (!text) return std::int64_t{-1};
    const auto v = util::parse_int(*text);
    if (!v || *v < 0) {
      why = std::string(what) + ", got '" + *text + "'";
      return std::nullopt;
    }
    return *v;
  };

  auto m = core::make_message();
  auto& r = m->record;
  r.timestamp = now_ms;
  const auto* persistent = header(SendHeader::persistent);
  r.durable = persistent && *persistent == "true";
  if (const auto* p = header(SendHeader::priority)) {
    const auto v = util::parse_int(*p);
    if (!v || *v < 0 || *v > 9) {
      why = "priority must be 0-9, got '" + *p + "'";
      return std::nullopt;
    }
    r.priority = static_cast<std::uint8_t>(*v);
  }
  const auto expires = non_negative(SendHeader::expires,
                                    "expires must be an epoch time in ms (0 = never)");
  if (!expires) return std::nullopt;
  if (*expires >= 0) r.expiration = *expires;
  const auto delay = non_negative(SendHeader::scheduled_delay,
                                  "AMQ_SCHEDULED_DELAY must be a delay in ms");
  if (!delay) return std::nullopt;
  if (*delay >= 0) r.scheduled = now_ms + *delay;
  const auto at = non_negative(SendHeader::scheduled_time,
                               "AMQ_SCHEDULED_TIME must be an epoch time in ms");
  if (!at) return std::nullopt;
  if (*at >= 0) r.scheduled = *at;
  if (routing_type) r.routing_type = core::to_store(*routing_type);
  r.type = header(SendHeader::content_length) ? store::BodyType::bytes : store::BodyType::text;

  const auto* ct = header(SendHeader::content_type);
  const auto* g = header(SendHeader::group_id);
  if (ct) room += Properties::text_entry_size(content_type_property.size(), ct->size());
  if (g) room += Properties::text_entry_size(core::props::group_id.size(), g->size());
  if (!prefix.empty()) room += Properties::text_entry_size(prefix_property.size(), prefix.size());
  r.properties.reserve(room);
  if (ct) r.properties.set_text(content_type_property, *ct);
  if (g) r.properties.set_text(core::props::group_id, *g);
  if (!prefix.empty()) r.properties.set_text(prefix_property, prefix);
  for (const auto& h : f.headers)
    if (classify(h.first) == SendHeader::property) r.properties.emplace_text(h.first, h.second);
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

// What a property becomes in a MESSAGE frame.
enum class Outgoing : std::uint8_t { header, skipped, prefix, content_type, group_id };

// One comparison per property in the common case (as classify() for SEND): skipped are the
// fixed headers and the broker's internal properties; the prefix, content type and group id
// are rendered as their own headers.
constexpr Outgoing classify_outgoing(std::string_view n) {
  using O = Outgoing;
  if (core::props::is_internal(n)) return O::skipped;  // the connection id, AMQP's sections
  switch (n.size()) {
    case 3: return n == "ack" ? O::skipped : O::header;
    case 7: return n == "expires" ? O::skipped : O::header;
    case 8: return n == "priority" ? O::skipped : O::header;
    case 9: return n == "timestamp" ? O::skipped : O::header;
    case 10: return n == "message-id" || n == "persistent" ? O::skipped : O::header;
    case 11:
      if (n == "destination" || n == "redelivered" || n == "JMSXGroupID") return O::skipped;
      return n == prefix_property ? O::prefix : O::header;
    case 12: return n == "subscription" || n == "content-type" ? O::skipped : O::header;
    case 13: return n == core::props::group_id ? O::group_id : O::header;
    case 14: return n == "content-length" ? O::skipped : O::header;
    case 16: return n == "destination-type" ? O::skipped : O::header;
    case 17: return n == content_type_property ? O::content_type : O::header;
    default: return O::header;
  }
}

static_assert([] {
  for (auto h : fixed_headers)
    if (classify_outgoing(h) != Outgoing::skipped) return false;
  return true;
}(), "every fixed MESSAGE header must be skipped as a property");

// The text of a string property or the bytes of a binary one (Message::property's reading).
std::optional<std::string_view> text_or_bytes(const store::PropertyView& v) {
  if (auto t = v.text()) return t;
  return v.binary();
}

}  // namespace

void encode_message(std::string& out, const core::MessageRef& ref, const DeliveryHeaders& h,
                    codec::Version version) {
  const auto& r = ref.message->record;
  // One allocation for the frame: the body plus a generous guess at the headers.
  out.reserve(out.size() + r.body.size() + 256 + r.properties.byte_size() * 2);
  // One pass for the properties rendered as headers of their own, instead of a lookup each.
  std::optional<std::string_view> prefix, content_type, group_id;
  for (const auto& [k, v] : r.properties) {
    switch (classify_outgoing(k)) {
      case Outgoing::prefix: prefix = text_or_bytes(v); break;
      case Outgoing::content_type: content_type = text_or_bytes(v); break;
      case Outgoing::group_id: group_id = text_or_bytes(v); break;
      default: break;
    }
  }
  codec::FrameWriter w(out, "MESSAGE", version);
  w.header("subscription", h.subscription);
  w.header_plain("message-id", h.ack_id);  // numbers and a comma
  char number[24];
  if (prefix) {
    std::string destination;
    destination.reserve(prefix->size() + r.address.size());
    destination.append(*prefix).append(r.address);
    w.header("destination", destination);
  } else {
    w.header("destination", r.address);
  }
  auto integer = [&](const char* name, std::int64_t v) {
    const auto end = std::to_chars(number, number + sizeof number, v).ptr;
    w.header_plain(name, std::string_view(number, static_cast<std::size_t>(end - number)));
  };
  integer("expires", r.expiration);
  w.header_plain("redelivered", ref.delivery_count > 0 ? "true" : "false");
  integer("priority", r.priority);
  w.header_plain("persistent", r.durable ? "true" : "false");
  integer("timestamp", r.timestamp);
  if (r.routing_type)
    w.header_plain("destination-type",
                   *r.routing_type == store::RoutingType::anycast ? "ANYCAST" : "MULTICAST");
  if (content_type) w.header("content-type", *content_type);
  if (group_id) w.header("JMSXGroupID", *group_id);
  if (h.ack_header) w.header_plain("ack", h.ack_id);
  // STOMP headers are text: a typed property goes out rendered as a string; a null one has no
  // text at all and is left out.
  for (const auto& [k, v] : r.properties) {
    if (v.is_null() || classify_outgoing(k) != Outgoing::header) continue;
    if (const auto text = v.text()) w.header(k, *text);
    else w.header(k, v.as_string());
  }
  // Only a text body may end at the first NUL; every other kind (bytes, or the encoded map,
  // stream, object or AMQP body another protocol sent) needs its length.
  if (ref.message->large)
    w.body_follows(ref.message->large->size());  // the session streams it
  else
    w.body(r.body, r.type != store::BodyType::text);
}

}  // namespace artemis::protocol::stomp_session
