#include "protocol/amqp/message_mapping.hpp"

#include <proton/codec.h>

#include <algorithm>
#include <array>
#include <limits>

#include "protocol/amqp/sections.hpp"

namespace artemis::protocol::amqp {
namespace {

using store::Binary;
using store::PropertyType;
using store::PropertyValue;

std::string_view view(pn_bytes_t b) {
  return {b.start, b.size};
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

// The application properties a core property can hold, typed; the others (an unsigned long
// above the signed range, a uuid, a char, a decimal) stay only in the kept section.
bool set_by_broker(std::string_view key) {
  static constexpr std::array<std::string_view, 6> names{
      core::props::orig_address,      core::props::orig_queue,    core::props::orig_message_id,
      core::props::orig_routing_type, core::props::actual_expiry, "_AMQ_PREFIX"};
  return core::props::is_internal(key) || std::find(names.begin(), names.end(), key) != names.end();
}

// `exact`: every property came out as it went in (a string key, a type a core property holds
// as it is, no key twice, no reserved name), so the section can be written again from them.
bool read_application_properties(pn_data_t* d, bool duplicate_detection, store::Properties& out,
                                 bool& exact, std::string& why) {
  exact = true;
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
    const std::string_view key =
        view(kt == PN_STRING ? pn_data_get_string(d) : pn_data_get_symbol(d));
    pn_data_next(d);
    const auto t = pn_data_type(d);
    exact = exact && kt == PN_STRING && !is_reserved_property(key) && !out.contains(key) &&
            (t == PN_NULL || t == PN_BOOL || t == PN_BYTE || t == PN_SHORT || t == PN_INT ||
             t == PN_LONG || t == PN_FLOAT || t == PN_DOUBLE || t == PN_STRING || t == PN_BINARY);
    // What only the broker sets (a dead-letter's origin, internal properties) a producer
    // cannot set: such a property stays in the kept section only. So does a duplicate id
    // where the acceptor turns duplicate detection off (amqpDuplicateDetection=false).
    if (set_by_broker(key)) continue;
    if (!duplicate_detection && key == core::props::duplicate_id) {
      exact = false;
      continue;
    }
    if (const auto v = scalar(d)) out.set(key, *v);
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

// A single Data section is a bytes body and a single AmqpValue string a text body, as the AMQP
// JMS mapping reads them; every other body is kept as it was encoded.
void read_body(const Sections& s, store::MessageRecord& r) {
  if (s.body.empty()) {
    r.type = store::BodyType::default_type;
    return;
  }
  if (s.body_sections == 1) {
    bool is_string = false;
    const auto value = section_value(s.body);
    const auto payload = value ? binary_or_string(*value, is_string) : std::nullopt;
    if (payload && s.body_kind == Section::data && !is_string) {
      r.type = store::BodyType::bytes;
      r.body.assign(*payload);
      return;
    }
    if (payload && s.body_kind == Section::amqp_value && is_string) {
      r.type = store::BodyType::text;
      r.body.assign(*payload);
      return;
    }
  }
  r.type = store::BodyType::amqp;
  r.body.assign(s.body);
}

// The message annotations, properties and (unless the typed properties hold them exactly)
// application properties sections: adjacent in the message, so one span.
std::string_view kept_span(const Sections& s, bool application_properties) {
  const std::string_view parts[] = {
      s.message_annotations, s.properties,
      application_properties ? s.application_properties : std::string_view{}};
  const char* begin = nullptr;
  const char* end = nullptr;
  for (const auto part : parts) {
    if (part.empty()) continue;
    if (begin == nullptr) begin = part.data();
    end = part.data() + part.size();
  }
  if (begin == nullptr) return {};
  return std::string_view(begin, static_cast<std::size_t>(end - begin));
}

// Decodes the value `section` holds into `into` (cleared first). False when Proton reads it
// otherwise than the section's bounds say: what the broker keeps and what it reads must agree.
bool decode_section(std::string_view section, pn_data_t* into) {
  pn_data_clear(into);
  if (section.empty()) return true;
  const auto value = section_value(section);
  if (!value) return false;
  const ssize_t used = pn_data_decode(into, value->data(), value->size());
  pn_data_rewind(into);
  return used == static_cast<ssize_t>(value->size());
}

// A string or symbol field, else nothing.
std::optional<std::string_view> text_field(pn_data_t* d) {
  if (pn_data_type(d) == PN_STRING) return view(pn_data_get_string(d));
  if (pn_data_type(d) == PN_SYMBOL) return view(pn_data_get_symbol(d));
  return std::nullopt;
}

// The header's list: durable, priority, ttl (first-acquirer and delivery-count are the
// broker's to set). Absent fields keep their defaults.
void read_header(pn_data_t* d, std::int64_t now_ms, store::MessageRecord& r) {
  if (!pn_data_next(d) || pn_data_type(d) != PN_LIST || !pn_data_enter(d)) return;
  if (pn_data_next(d) && pn_data_type(d) == PN_BOOL) r.durable = pn_data_get_bool(d);
  if (pn_data_next(d) && pn_data_type(d) == PN_UBYTE)
    r.priority = std::min<std::uint8_t>(pn_data_get_ubyte(d), 9);
  if (pn_data_next(d) && pn_data_type(d) == PN_UINT && pn_data_get_uint(d) > 0)
    r.expiration = now_ms + pn_data_get_uint(d);
}

// The properties section's list (AMQP 1.0 §3.2.4), by position: what selectors, groups and
// other protocols read. `to` goes to `out`'s address, where routing looks for it.
void read_properties(pn_data_t* d, pn_message_t* out, store::MessageRecord& r) {
  if (!pn_data_next(d) || pn_data_type(d) != PN_LIST || !pn_data_enter(d)) return;
  enum Field {
    id,
    user_id,
    to,
    subject,
    reply_to,
    correlation_id,
    content_type,
    encoding,
    expiry_time,
    creation_time,
    group_id,
    count
  };
  for (int f = 0; f < count && pn_data_next(d); ++f) {
    const auto text = text_field(d);
    switch (f) {
      case id:
      case correlation_id:
        if (auto v = id_value(pn_data_get_atom(d)))
          r.properties.set(f == id ? kMessageId : kCorrelationId, *v);
        break;
      case to:
        if (text && !text->empty()) pn_message_set_address(out, std::string(*text).c_str());
        break;
      case subject:
      case reply_to:
      case content_type:
      case group_id:
        if (text && !text->empty())
          r.properties.set_text(f == subject        ? kSubject
                                : f == reply_to     ? kReplyTo
                                : f == content_type ? core::props::content_type
                                                    : core::props::group_id,
                                *text);
        break;
      case expiry_time:
        if (pn_data_type(d) == PN_TIMESTAMP && pn_data_get_timestamp(d) > 0)
          r.expiration = pn_data_get_timestamp(d);
        break;
      case creation_time:
        if (pn_data_type(d) == PN_TIMESTAMP && pn_data_get_timestamp(d) > 0)
          r.timestamp = pn_data_get_timestamp(d);
        break;
      default:
        break;
    }
  }
}

}  // namespace

std::optional<core::MessagePtr> message_from_amqp(pn_message_t* scratch, std::string_view encoded,
                                                  std::int64_t now_ms, bool duplicate_detection,
                                                  std::string& why) {
  if (encoded.empty()) {
    why = "an empty transfer is no message";
    return std::nullopt;
  }
  const auto sections = split_sections(encoded, why);
  if (!sections) return std::nullopt;
  pn_message_clear(scratch);
  pn_data_t* fields = pn_message_body(scratch);  // the header's and properties' lists, in turn
  pn_data_t* annotations = pn_message_annotations(scratch);
  pn_data_t* application = pn_message_properties(scratch);
  if (!decode_section(sections->message_annotations, annotations) ||
      !decode_section(sections->application_properties, application)) {
    why = "a section of the message does not decode";
    return std::nullopt;
  }
  auto m = core::make_message();
  auto& r = m->record;
  r.timestamp = now_ms;
  if (!decode_section(sections->header, fields)) {
    why = "the header does not decode";
    return std::nullopt;
  }
  read_header(fields, now_ms, r);
  if (!decode_section(sections->properties, fields)) {
    why = "the properties section does not decode";
    return std::nullopt;
  }
  read_properties(fields, scratch, r);
  pn_data_clear(fields);
  read_body(*sections, r);
  bool exact = false;
  if (!read_application_properties(application, duplicate_detection, r.properties, exact, why))
    return std::nullopt;
  read_annotations(annotations, now_ms, r);
  // Exact typed properties are not kept twice: a consumer gets the section written from them.
  if (const auto kept = kept_span(*sections, !exact); !kept.empty())
    r.properties.set(kSections, PropertyValue{Binary{std::string(kept)}});
  if (!sections->footer.empty())
    r.properties.set(kFooter, PropertyValue{Binary{std::string(sections->footer)}});
  r.properties.shrink_to_fit();
  return m;
}

bool is_reserved_property(std::string_view name) {
  static constexpr std::array<std::string_view, 12> reserved{kMessageId,
                                                             kCorrelationId,
                                                             kReplyTo,
                                                             kSubject,
                                                             core::props::group_id,
                                                             core::props::content_type,
                                                             "_AMQ_PREFIX",
                                                             core::props::orig_address,
                                                             core::props::orig_queue,
                                                             core::props::orig_message_id,
                                                             core::props::orig_routing_type,
                                                             core::props::actual_expiry};
  return core::props::is_internal(name) ||
         std::find(reserved.begin(), reserved.end(), name) != reserved.end();
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
