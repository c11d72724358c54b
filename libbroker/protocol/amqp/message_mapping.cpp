#include "protocol/amqp/message_mapping.hpp"

#include <proton/codec.h>

#include <algorithm>
#include <array>
#include <limits>

namespace artemis::protocol::amqp {
namespace {

using store::Binary;
using store::PropertyType;
using store::PropertyValue;

std::string_view view(pn_bytes_t b) {
  return {b.start, b.size};
}
pn_bytes_t bytes_of(std::string_view s) {
  return pn_bytes(s.size(), s.data());
}

const char* type_name(pn_type_t t) {
  return pn_type_name(t);
}

// The scalar at the cursor as a property value; nullopt for a type no property can hold.
std::optional<PropertyValue> scalar(pn_data_t* d) {
  switch (pn_data_type(d)) {
    case PN_NULL:
      return PropertyValue{};
    case PN_BOOL:
      return PropertyValue{pn_data_get_bool(d)};
    case PN_BYTE:
      return PropertyValue{static_cast<std::int8_t>(pn_data_get_byte(d))};
    case PN_UBYTE:
      return PropertyValue{static_cast<std::int16_t>(pn_data_get_ubyte(d))};
    case PN_SHORT:
      return PropertyValue{static_cast<std::int16_t>(pn_data_get_short(d))};
    case PN_USHORT:
      return PropertyValue{static_cast<std::int32_t>(pn_data_get_ushort(d))};
    case PN_INT:
      return PropertyValue{static_cast<std::int32_t>(pn_data_get_int(d))};
    case PN_UINT:
      return PropertyValue{static_cast<std::int64_t>(pn_data_get_uint(d))};
    case PN_LONG:
      return PropertyValue{static_cast<std::int64_t>(pn_data_get_long(d))};
    case PN_ULONG: {
      const auto v = pn_data_get_ulong(d);
      if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return std::nullopt;
      return PropertyValue{static_cast<std::int64_t>(v)};
    }
    case PN_TIMESTAMP:
      return PropertyValue{static_cast<std::int64_t>(pn_data_get_timestamp(d))};
    case PN_FLOAT:
      return PropertyValue{pn_data_get_float(d)};
    case PN_DOUBLE:
      return PropertyValue{pn_data_get_double(d)};
    case PN_STRING:
      return PropertyValue{view(pn_data_get_string(d))};
    case PN_SYMBOL:
      return PropertyValue{view(pn_data_get_symbol(d))};
    case PN_BINARY:
      return PropertyValue{Binary{std::string(view(pn_data_get_binary(d)))}};
    default:
      return std::nullopt;
  }
}

// A message-id / correlation-id: ulong, string and binary keep their type; a uuid is kept as
// its 16 bytes.
std::optional<PropertyValue> id_value(pn_atom_t a) {
  switch (a.type) {
    case PN_ULONG:
      if (a.u.as_ulong > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return std::nullopt;
      return PropertyValue{static_cast<std::int64_t>(a.u.as_ulong)};
    case PN_STRING:
      return PropertyValue{view(a.u.as_bytes)};
    case PN_BINARY:
      return PropertyValue{Binary{std::string(view(a.u.as_bytes))}};
    case PN_UUID:
      return PropertyValue{Binary{std::string(a.u.as_uuid.bytes, 16)}};
    default:
      return std::nullopt;
  }
}

bool read_application_properties(pn_data_t* d, store::Properties& out, std::string& why) {
  pn_data_rewind(d);
  if (!pn_data_next(d)) return true;
  if (pn_data_type(d) != PN_MAP) {
    why = "application-properties must be a map";
    return false;
  }
  const std::size_t n = pn_data_get_map(d) / 2;
  pn_data_enter(d);
  for (std::size_t i = 0; i < n; ++i) {
    if (!pn_data_next(d)) break;
    const auto kt = pn_data_type(d);
    if (kt != PN_STRING && kt != PN_SYMBOL) {
      why = "application-properties keys must be strings";
      return false;
    }
    const std::string key(view(kt == PN_STRING ? pn_data_get_string(d) : pn_data_get_symbol(d)));
    pn_data_next(d);
    const auto v = scalar(d);
    if (!v) {
      why = "application property '" + key + "' has type " + type_name(pn_data_type(d)) +
            ", which is not a simple type";
      return false;
    }
    out.set(key, *v);
  }
  pn_data_exit(d);
  return true;
}

// x-opt-delivery-time (epoch ms) and x-opt-delivery-delay (ms) schedule the message.
void read_annotations(pn_data_t* d, std::int64_t now_ms, store::MessageRecord& r) {
  pn_data_rewind(d);
  if (!pn_data_next(d) || pn_data_type(d) != PN_MAP) return;
  const std::size_t n = pn_data_get_map(d) / 2;
  pn_data_enter(d);
  for (std::size_t i = 0; i < n; ++i) {
    if (!pn_data_next(d)) break;
    const bool symbol = pn_data_type(d) == PN_SYMBOL;
    const std::string_view key = symbol ? view(pn_data_get_symbol(d)) : std::string_view{};
    pn_data_next(d);
    const auto v = scalar(d);
    const auto ms = v ? v->as_integer() : std::nullopt;
    if (!ms || *ms < 0) continue;
    if (key == "x-opt-delivery-time")
      r.scheduled = *ms;
    else if (key == "x-opt-delivery-delay")
      r.scheduled = now_ms + *ms;
  }
  pn_data_exit(d);
}

bool read_body(pn_message_t* in, store::MessageRecord& r, std::string& why) {
  pn_data_t* d = pn_message_body(in);
  pn_data_rewind(d);
  if (!pn_data_next(d)) {
    r.type = store::BodyType::default_type;
    return true;
  }
  switch (pn_data_type(d)) {
    case PN_BINARY:
      r.type = store::BodyType::bytes;
      r.body.assign(view(pn_data_get_binary(d)));
      return true;
    case PN_STRING:
      r.type = store::BodyType::text;
      r.body.assign(view(pn_data_get_string(d)));
      return true;
    case PN_NULL:
      r.type = store::BodyType::default_type;
      return true;
    default:
      why = std::string("a body of type ") + type_name(pn_data_type(d)) +
            " is not supported yet (send a Data section or an AmqpValue string)";
      return false;
  }
}

void put_id(pn_message_t* out, std::optional<store::PropertyView> v, std::uint64_t fallback,
            int (*set)(pn_message_t*, pn_msgid_t)) {
  pn_atom_t a{};
  if (v && v->type() == PropertyType::string) {
    a.type = PN_STRING;
    a.u.as_bytes = bytes_of(*v->text());
  } else if (v && v->type() == PropertyType::binary) {
    a.type = PN_BINARY;
    a.u.as_bytes = bytes_of(*v->binary());
  } else if (v && v->as_integer()) {
    a.type = PN_ULONG;
    a.u.as_ulong = static_cast<std::uint64_t>(*v->as_integer());
  } else if (fallback != 0) {
    a.type = PN_ULONG;
    a.u.as_ulong = fallback;
  } else {
    return;
  }
  set(out, a);
}

void put_scalar(pn_data_t* d, const store::PropertyView& v) {
  switch (v.type()) {
    case PropertyType::null:
      pn_data_put_null(d);
      break;
    case PropertyType::boolean:
      pn_data_put_bool(d, *v.as_bool());
      break;
    case PropertyType::int8:
      pn_data_put_byte(d, static_cast<int8_t>(*v.as_integer()));
      break;
    case PropertyType::int16:
      pn_data_put_short(d, static_cast<int16_t>(*v.as_integer()));
      break;
    case PropertyType::int32:
      pn_data_put_int(d, static_cast<int32_t>(*v.as_integer()));
      break;
    case PropertyType::int64:
      pn_data_put_long(d, *v.as_integer());
      break;
    case PropertyType::float32:
      pn_data_put_float(d, *v.float32());
      break;
    case PropertyType::float64:
      pn_data_put_double(d, *v.as_floating());
      break;
    case PropertyType::string:
      pn_data_put_string(d, bytes_of(*v.text()));
      break;
    case PropertyType::binary:
      pn_data_put_binary(d, bytes_of(*v.binary()));
      break;
  }
}

// Properties that are fields of the AMQP message, or the broker's own bookkeeping: not
// application properties.
bool mapped_elsewhere(std::string_view name) {
  static constexpr std::array<std::string_view, 8> names{kMessageId,
                                                         kCorrelationId,
                                                         kReplyTo,
                                                         kSubject,
                                                         core::props::group_id,
                                                         core::props::content_type,
                                                         core::props::connection_id,
                                                         "_AMQ_PREFIX"};
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string text_of(const store::Properties& p, std::string_view name) {
  const auto v = p.find(name);
  const auto t = v ? v->text() : std::nullopt;
  return t ? std::string(*t) : std::string();
}

}  // namespace

std::optional<core::MessagePtr> message_from_amqp(pn_message_t* in, std::int64_t now_ms,
                                                  std::string& why) {
  auto m = std::make_shared<core::Message>();
  auto& r = m->record;
  r.durable = pn_message_is_durable(in);
  r.priority = std::min<std::uint8_t>(pn_message_get_priority(in), 9);
  const auto created = pn_message_get_creation_time(in);
  r.timestamp = created > 0 ? created : now_ms;
  if (const auto ttl = pn_message_get_ttl(in); ttl > 0) r.expiration = now_ms + ttl;
  if (const auto at = pn_message_get_expiry_time(in); at > 0) r.expiration = at;
  if (!read_body(in, r, why)) return std::nullopt;
  if (!read_application_properties(pn_message_properties(in), r.properties, why))
    return std::nullopt;
  read_annotations(pn_message_annotations(in), now_ms, r);

  if (auto id = id_value(pn_message_get_id(in))) r.properties.set(kMessageId, *id);
  if (auto id = id_value(pn_message_get_correlation_id(in))) r.properties.set(kCorrelationId, *id);
  const std::pair<std::string_view, const char*> texts[] = {
      {kReplyTo, pn_message_get_reply_to(in)},
      {kSubject, pn_message_get_subject(in)},
      {core::props::group_id, pn_message_get_group_id(in)},
      {core::props::content_type, pn_message_get_content_type(in)},
  };
  for (const auto& [name, value] : texts)
    if (value != nullptr && *value != '\0') r.properties.set_text(name, value);
  r.properties.shrink_to_fit();
  return m;
}

void message_to_amqp(const core::MessageRef& ref, std::int64_t now_ms, pn_message_t* out) {
  pn_message_clear(out);
  const auto& r = ref.message->record;
  pn_message_set_durable(out, r.durable);
  pn_message_set_priority(out, r.priority);
  if (r.expiration > 0) {
    pn_message_set_expiry_time(out, r.expiration);
    const auto left =
        std::clamp<std::int64_t>(r.expiration - now_ms, 1, std::numeric_limits<pn_millis_t>::max());
    pn_message_set_ttl(out, static_cast<pn_millis_t>(left));
  }
  pn_message_set_delivery_count(out, ref.delivery_count);
  if (r.timestamp > 0) pn_message_set_creation_time(out, r.timestamp);
  pn_message_set_address(out, r.address.c_str());
  put_id(out, r.properties.find(kMessageId), r.id, pn_message_set_id);
  put_id(out, r.properties.find(kCorrelationId), 0, pn_message_set_correlation_id);
  if (auto s = text_of(r.properties, kReplyTo); !s.empty()) pn_message_set_reply_to(out, s.c_str());
  if (auto s = text_of(r.properties, kSubject); !s.empty()) pn_message_set_subject(out, s.c_str());
  if (auto s = text_of(r.properties, core::props::group_id); !s.empty())
    pn_message_set_group_id(out, s.c_str());
  if (auto s = text_of(r.properties, core::props::content_type); !s.empty())
    pn_message_set_content_type(out, s.c_str());

  // No application-properties section at all when there is nothing to put in it.
  const bool any = std::any_of(r.properties.begin(), r.properties.end(),
                               [](const auto& p) { return !mapped_elsewhere(p.first); });
  if (any) {
    pn_data_t* props = pn_message_properties(out);
    pn_data_put_map(props);
    pn_data_enter(props);
    for (const auto& [name, value] : r.properties) {
      if (mapped_elsewhere(name)) continue;
      pn_data_put_string(props, bytes_of(name));
      put_scalar(props, value);
    }
    pn_data_exit(props);
  }

  pn_data_t* body = pn_message_body(out);
  switch (r.type) {
    case store::BodyType::text:
      pn_data_put_string(body, bytes_of(r.body));
      break;
    case store::BodyType::default_type:
      if (r.body.empty()) break;
      [[fallthrough]];
    default:
      // A Data section (Proton writes an "inferred" binary body as Data, not AmqpValue).
      pn_message_set_inferred(out, true);
      pn_data_put_binary(body, bytes_of(r.body));
      break;
  }
}

bool encode(pn_message_t* msg, std::string& out) {
  // All the capacity a previous message left: most messages then encode in one round.
  out.resize(std::max<std::size_t>(out.capacity(), 256));
  // Bounded: each round doubles the room, and Proton needs at most what the message holds.
  for (int round = 0; round < 32; ++round) {
    std::size_t size = out.size();
    const int rc = pn_message_encode(msg, out.data(), &size);
    if (rc == 0) {
      out.resize(size);
      return true;
    }
    if (rc != PN_OVERFLOW) return false;
    out.resize(out.size() * 2);
  }
  return false;
}

}  // namespace artemis::protocol::amqp
