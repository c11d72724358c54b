// Encoding of what an AMQP consumer receives: the kept sections of an AMQP message behind a
// header the broker writes, or a message of another protocol converted.
#include <proton/codec.h>

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <vector>

#include "protocol/amqp/message_mapping.hpp"
#include "protocol/amqp/sections.hpp"

namespace artemis::protocol::amqp {
namespace {

using store::PropertyType;

pn_bytes_t data_bytes(std::string_view s) {
  return pn_bytes(s.size(), s.data());
}
std::string_view view_of(pn_bytes_t b) {
  return {b.start, b.size};
}

void put_id(pn_message_t* out, std::optional<store::PropertyView> v, std::uint64_t fallback,
            int (*set)(pn_message_t*, pn_msgid_t)) {
  pn_atom_t a{};
  if (v && v->type() == PropertyType::string) {
    a.type = PN_STRING;
    a.u.as_bytes = data_bytes(*v->text());
  } else if (v && v->type() == PropertyType::binary) {
    a.type = PN_BINARY;
    a.u.as_bytes = data_bytes(*v->binary());
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
      pn_data_put_string(d, data_bytes(*v.text()));
      break;
    case PropertyType::binary:
      pn_data_put_binary(d, data_bytes(*v.binary()));
      break;
  }
}

// Properties that are fields of the AMQP message, or the broker's own bookkeeping: not
// application properties.
bool mapped_elsewhere(std::string_view name) {
  if (core::props::is_internal(name)) return true;
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

// What the broker adds to a message it moves to a dead-letter or expiry address, as the
// annotations Artemis gives an AMQP consumer (reference §7.5).
struct BrokerAnnotation {
  std::string_view property;
  std::string_view annotation;
};
constexpr std::array<BrokerAnnotation, 4> kBrokerAnnotations{{
    {core::props::orig_address, "x-opt-ORIG-ADDRESS"},
    {core::props::orig_queue, "x-opt-ORIG-QUEUE"},
    {core::props::orig_message_id, "x-opt-ORIG-MESSAGE-ID"},
    {core::props::actual_expiry, "x-opt-ACTUAL-EXPIRY"},
}};

bool is_broker_annotation(std::string_view property) {
  return std::any_of(kBrokerAnnotations.begin(), kBrokerAnnotations.end(),
                     [&](const BrokerAnnotation& a) { return a.property == property; });
}

// What a delivery reads from a message's properties, found in one walk: each lookup walks the
// packed buffer from its start, and a delivery made ten of them.
struct PropertyScan {
  std::optional<store::PropertyView> sections;  // kSections: an AMQP message's kept sections
  std::optional<store::PropertyView> footer;    // kFooter
  bool broker_annotations = false;              // one of kBrokerAnnotations is set
};

PropertyScan scan(const store::Properties& p) {
  PropertyScan s;
  for (const auto& [name, value] : p) {
    if (name == kSections)
      s.sections = value;
    else if (name == kFooter)
      s.footer = value;
    else if (!s.broker_annotations && is_broker_annotation(name))
      s.broker_annotations = true;
  }
  return s;
}

// Appends `kept` (message annotations, properties, application properties) with the broker's
// annotations added to the message annotations, or a message annotations section of their own.
// An annotation the producer already set is left as it was.
void append_with_broker_annotations(std::string& out, std::string_view kept,
                                    const store::Properties& p) {
  std::string why;
  const auto split = split_sections(kept, why);
  pn_data_t* d = pn_data(16);
  bool ok = split.has_value();
  std::vector<std::string_view> present;
  if (ok && !split->message_annotations.empty()) {
    const auto& ma = split->message_annotations;
    ok = pn_data_decode(d, ma.data(), ma.size()) == static_cast<ssize_t>(ma.size());
    pn_data_rewind(d);
    ok = ok && pn_data_next(d) && pn_data_type(d) == PN_DESCRIBED;
    ok = ok && pn_data_enter(d) && pn_data_next(d) && pn_data_next(d) &&
         pn_data_type(d) == PN_MAP && pn_data_enter(d);
    for (bool key = true; ok && pn_data_next(d); key = !key)
      if (key && pn_data_type(d) == PN_SYMBOL) present.push_back(view_of(pn_data_get_symbol(d)));
  } else if (ok) {
    pn_data_put_described(d);
    pn_data_enter(d);
    pn_data_put_ulong(d, static_cast<std::uint64_t>(Section::message_annotations));
    pn_data_put_map(d);
    pn_data_enter(d);
  }
  if (ok) {
    for (const auto& a : kBrokerAnnotations) {
      const auto v = p.find(a.property);
      if (!v || std::find(present.begin(), present.end(), a.annotation) != present.end()) continue;
      pn_data_put_symbol(d, data_bytes(a.annotation));
      put_scalar(d, *v);
    }
    pn_data_exit(d);
    pn_data_exit(d);
    std::string encoded(pn_data_encoded_size(d), '\0');
    ok = pn_data_encode(d, encoded.data(), encoded.size()) == static_cast<ssize_t>(encoded.size());
    if (ok) {
      out += encoded;
      out += kept.substr(split->message_annotations.size());
    }
  }
  pn_data_free(d);
  if (!ok) out += kept;  // sections Proton cannot re-read go out as they came in
}

// Whether the kept sections end with the application properties (they are last of the three).
bool kept_application_properties(std::string_view kept) {
  std::string why;
  const auto s = split_sections(kept, why);
  return s && !s->application_properties.empty();
}

// The application properties section written from the typed properties, if there are any.
void append_application_properties(std::string& out, const store::Properties& p, pn_data_t* d) {
  const bool any =
      std::any_of(p.begin(), p.end(), [](const auto& e) { return !is_reserved_property(e.first); });
  if (!any) return;
  pn_data_clear(d);
  pn_data_put_described(d);
  pn_data_enter(d);
  pn_data_put_ulong(d, static_cast<std::uint64_t>(Section::application_properties));
  pn_data_put_map(d);
  pn_data_enter(d);
  for (const auto& [name, value] : p) {
    if (is_reserved_property(name)) continue;
    pn_data_put_string(d, data_bytes(name));
    put_scalar(d, value);
  }
  pn_data_exit(d);
  pn_data_exit(d);
  const std::size_t at = out.size();
  out.resize(at + pn_data_encoded_size(d));
  const ssize_t n = pn_data_encode(d, out.data() + at, out.size() - at);
  out.resize(n > 0 ? at + static_cast<std::size_t>(n) : at);
  pn_data_clear(d);
}

std::optional<std::uint32_t> ttl_left(const store::MessageRecord& r, std::int64_t now_ms) {
  if (r.expiration <= 0) return std::nullopt;
  return static_cast<std::uint32_t>(
      std::clamp<std::int64_t>(r.expiration - now_ms, 1, std::numeric_limits<pn_millis_t>::max()));
}

// A message another protocol sent, converted (the AMQP JMS mapping, the other way). Without
// `body_bytes` no body section is written: the caller appends one.
void convert_to_amqp(const core::MessageRef& ref, std::int64_t now_ms,
                     const std::string* body_bytes, pn_message_t* out) {
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
      pn_data_put_string(props, data_bytes(name));
      put_scalar(props, value);
    }
    pn_data_exit(props);
  }

  if (body_bytes == nullptr) return;
  pn_data_t* body = pn_message_body(out);
  switch (r.type) {
    case store::BodyType::text:
      pn_data_put_string(body, data_bytes(*body_bytes));
      break;
    case store::BodyType::default_type:
      if (body_bytes->empty()) break;
      [[fallthrough]];
    default:
      // A Data section (Proton writes an "inferred" binary body as Data, not AmqpValue).
      pn_message_set_inferred(out, true);
      pn_data_put_binary(body, data_bytes(*body_bytes));
      break;
  }
}

// A message of another protocol: converted, with Proton encoding it.
bool converted(const store::MessageRecord& r, const PropertyScan& found) {
  return !found.sections && !found.footer && r.type != store::BodyType::amqp;
}

// What precedes the body: the broker's header, then the kept sections (or the properties of a
// message of another protocol). False if Proton refuses it.
bool encode_head(const core::MessageRef& ref, const PropertyScan& found, std::int64_t now_ms,
                 pn_message_t* scratch, const std::string* body, std::string& out) {
  const auto& r = ref.message->record;
  if (converted(r, found)) {
    convert_to_amqp(ref, now_ms, body, scratch);
    return encode(scratch, out);
  }
  const auto& kept = found.sections;
  out.clear();
  append_header_section(out, r.durable, r.priority, ttl_left(r, now_ms), ref.delivery_count);
  const std::string_view sections = kept && kept->binary() ? *kept->binary() : std::string_view{};
  if (found.broker_annotations)
    append_with_broker_annotations(out, sections, r.properties);
  else
    out += sections;
  if (!kept_application_properties(sections))
    append_application_properties(out, r.properties, pn_message_properties(scratch));
  return true;
}

}  // namespace

bool encode_delivery(const core::MessageRef& ref, std::int64_t now_ms, pn_message_t* scratch,
                     std::string& out) {
  const auto& r = ref.message->record;
  // A large message whole: what a browser gets (a consumer's delivery streams it).
  std::string large_body;
  if (ref.message->large && core::whole_body(*ref.message, large_body)) return false;
  const std::string& body = ref.message->large ? large_body : r.body;
  const auto found = scan(r.properties);
  if (!encode_head(ref, found, now_ms, scratch, &body, out)) return false;
  if (converted(r, found)) return true;  // the body is in Proton's encoding
  switch (r.type) {
    case store::BodyType::amqp:
      out += body;
      break;
    case store::BodyType::text:
      append_string_value_section(out, body);
      break;
    case store::BodyType::default_type:
      if (body.empty()) break;
      [[fallthrough]];
    default:
      append_data_section(out, body);
      break;
  }
  if (found.footer && found.footer->binary()) out += *found.footer->binary();
  return true;
}

bool encode_large_delivery(const core::MessageRef& ref, std::int64_t now_ms, pn_message_t* scratch,
                           std::string& head, std::string& tail) {
  const auto& r = ref.message->record;
  const std::uint64_t size = r.large_body_size.value_or(0);
  if (size > std::numeric_limits<std::uint32_t>::max()) return false;  // AMQP's largest binary
  const auto found = scan(r.properties);
  if (!encode_head(ref, found, now_ms, scratch, nullptr, head)) return false;
  tail.clear();
  switch (r.type) {
    case store::BodyType::amqp:
      break;  // the file holds the encoded body sections themselves
    case store::BodyType::text:
      append_string_value_head(head, size);
      break;
    default:
      append_data_head(head, size);
      break;
  }
  if (found.footer && found.footer->binary()) tail = *found.footer->binary();
  return true;
}

}  // namespace artemis::protocol::amqp
