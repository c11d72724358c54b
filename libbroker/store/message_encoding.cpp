// MessageRecord bodies: written as layout v3 (v2 on a big-endian host), read as v3, v2 or v1
// (encodings.hpp has the layouts).
#include <bit>
#include <ostream>

#include "store/bytes.hpp"
#include "store/encodings.hpp"
#include "store/record_types.hpp"

namespace artemis::store {
namespace {

constexpr std::uint8_t message_no_routing_type = 255;

bool known_body_type(std::uint8_t t, std::uint8_t layout) {
  switch (static_cast<BodyType>(t)) {
    case BodyType::text:
    case BodyType::bytes: return true;
    case BodyType::default_type:
    case BodyType::object:
    case BodyType::map:
    case BodyType::stream:
    case BodyType::amqp: return layout >= record::layout_v2;
  }
  return false;
}

// Bytes a value adds after its key (tag included), for reserving the buffer once.
std::size_t encoded_value_size(const PropertyView& v) {
  switch (v.type()) {
    case PropertyType::null: return 1;
    case PropertyType::boolean:
    case PropertyType::int8: return 2;
    case PropertyType::int16: return 3;
    case PropertyType::int32:
    case PropertyType::float32: return 5;
    case PropertyType::int64:
    case PropertyType::float64: return 9;
    case PropertyType::string: return 5 + v.text()->size();
    case PropertyType::binary: return 5 + v.binary()->size();
  }
  return 0;
}

void write_typed_value(ByteWriter& w, const PropertyView& v) {
  w.u8(static_cast<std::uint8_t>(v.type()));
  switch (v.type()) {
    case PropertyType::null: return;
    case PropertyType::boolean: w.u8(*v.as_bool() ? 1 : 0); return;
    case PropertyType::int8: w.u8(static_cast<std::uint8_t>(*v.as_integer())); return;
    case PropertyType::int16: w.u16(static_cast<std::uint16_t>(*v.as_integer())); return;
    case PropertyType::int32: w.u32(static_cast<std::uint32_t>(*v.as_integer())); return;
    case PropertyType::int64: w.i64(*v.as_integer()); return;
    case PropertyType::float32: w.u32(std::bit_cast<std::uint32_t>(*v.float32())); return;
    case PropertyType::float64: w.u64(std::bit_cast<std::uint64_t>(*v.as_floating())); return;
    case PropertyType::string: w.str(*v.text()); return;
    case PropertyType::binary: w.str(*v.binary()); return;
  }
}

// nullopt for an unknown tag (a damaged or newer record).
std::optional<PropertyValue> read_typed_value(ByteReader& r) {
  switch (static_cast<PropertyType>(r.u8())) {
    case PropertyType::null: return PropertyValue();
    case PropertyType::boolean: return PropertyValue(r.u8() != 0);
    case PropertyType::int8: return PropertyValue(static_cast<std::int8_t>(r.u8()));
    case PropertyType::int16: return PropertyValue(static_cast<std::int16_t>(r.u16()));
    case PropertyType::int32: return PropertyValue(static_cast<std::int32_t>(r.u32()));
    case PropertyType::int64: return PropertyValue(r.i64());
    case PropertyType::float32: return PropertyValue(std::bit_cast<float>(r.u32()));
    case PropertyType::float64: return PropertyValue(std::bit_cast<double>(r.u64()));
    case PropertyType::string: return PropertyValue(r.str());
    case PropertyType::binary: return PropertyValue(Binary{r.str()});
  }
  return std::nullopt;
}

// Strings are shown as they are; every other type says what it is, so `count=5` (a string)
// and `count=(int)5` can be told apart in `data print`.
void print_property_value(std::ostream& os, const PropertyView& v) {
  switch (v.type()) {
    case PropertyType::string: os << *v.text(); return;
    case PropertyType::null: os << "null"; return;
    default: os << "(" << type_name(v.type()) << ")" << v.as_string();
  }
}

}  // namespace

std::string_view body_type_name(BodyType t) {
  switch (t) {
    case BodyType::default_type: return "DEFAULT";
    case BodyType::object: return "OBJECT";
    case BodyType::text: return "TEXT";
    case BodyType::bytes: return "BYTES";
    case BodyType::map: return "MAP";
    case BodyType::stream: return "STREAM";
    case BodyType::amqp: return "AMQP";
  }
  return "UNKNOWN";
}

namespace {

// v3 copies the properties' packed buffer, whose scalars are in the host's order: only a
// little-endian host writes it, so a journal reads the same on every host.
constexpr bool kPackedProperties = std::endian::native == std::endian::little;

// `body_room`: bytes to reserve for a body appended after the head. `packed`: layout v3,
// else v2.
void write_message_head(const MessageRecord& m, std::vector<std::uint8_t>& out,
                        std::size_t body_room, bool packed = kPackedProperties) {
  std::size_t size = 1 + 8 + 4 + m.address.size() + 1 + 1 + 8 + 8 + 8 + 1 + 1 + 4 + 4 + body_room;
  if (packed) {
    size += m.properties.packed().size();
  } else {
    for (const auto& [k, v] : m.properties) size += 4 + k.size() + encoded_value_size(v);
  }
  ByteWriter w(std::move(out), size);
  w.u8(packed ? record::layout_v3 : record::layout_v2);
  w.u64(m.id);
  w.str(m.address);
  w.u8(m.durable ? 1 : 0);
  w.u8(m.priority);
  w.i64(m.expiration);
  w.i64(m.timestamp);
  w.i64(m.scheduled);
  w.u8(static_cast<std::uint8_t>(m.type));
  w.u8(m.routing_type ? static_cast<std::uint8_t>(*m.routing_type) : message_no_routing_type);
  if (packed) {
    w.str(m.properties.packed());
  } else {
    w.u32(static_cast<std::uint32_t>(m.properties.size()));
    for (const auto& [k, v] : m.properties) {
      w.str(k);
      write_typed_value(w, v);
    }
  }
  w.u32(static_cast<std::uint32_t>(m.body.size()));
  out = std::move(w.bytes());
}

}  // namespace

void encode_head_into(const MessageRecord& m, std::vector<std::uint8_t>& out) {
  write_message_head(m, out, 0);
}

void encode_into(const MessageRecord& m, std::vector<std::uint8_t>& out) {
  write_message_head(m, out, m.body.size());
  const auto* body = reinterpret_cast<const std::uint8_t*>(m.body.data());
  out.insert(out.end(), body, body + m.body.size());
}

void encode_large_message_into(const MessageRecord& m, std::vector<std::uint8_t>& out) {
  std::vector<std::uint8_t> head;
  write_message_head(m, head, 0);
  out.clear();
  const std::uint64_t size = m.large_body_size.value_or(0);
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(size >> (8 * i)));
  out.insert(out.end(), head.begin(), head.end());
}

std::optional<MessageRecord> decode_large_message(std::span<const std::uint8_t> b) {
  if (b.size() < 8) return std::nullopt;
  std::uint64_t size = 0;
  for (int i = 0; i < 8; ++i) size = (size << 8) | b[i];
  auto m = decode_message(b.subspan(8));
  if (!m || !m->body.empty()) return std::nullopt;
  m->large_body_size = size;
  return m;
}

std::vector<std::uint8_t> encode(const MessageRecord& m) {
  std::vector<std::uint8_t> out;
  encode_into(m, out);
  return out;
}

std::vector<std::uint8_t> encode_v2(const MessageRecord& m) {
  std::vector<std::uint8_t> out;
  write_message_head(m, out, m.body.size(), false);
  const auto* body = reinterpret_cast<const std::uint8_t*>(m.body.data());
  out.insert(out.end(), body, body + m.body.size());
  return out;
}

std::optional<MessageRecord> decode_message(std::span<const std::uint8_t> b) {
  ByteReader r(b);
  const auto layout = r.u8();
  if (layout < record::layout_v1 || layout > record::layout_v3) return std::nullopt;
  MessageRecord m;
  m.id = r.u64();
  m.address = r.str();
  m.durable = (r.u8() & 1) != 0;
  m.priority = r.u8();
  m.expiration = r.i64();
  m.timestamp = r.i64();
  m.scheduled = r.i64();
  const auto type = r.u8();
  if (!known_body_type(type, layout)) return std::nullopt;
  m.type = static_cast<BodyType>(type);
  const auto rt = r.u8();
  if (rt <= 1) m.routing_type = static_cast<RoutingType>(rt);
  if (layout == record::layout_v3) {
    auto props = Properties::from_packed(r.str_view());
    if (!props) return std::nullopt;
    m.properties = std::move(*props);
  } else {
    const auto nprops = r.u32();
    for (std::uint32_t i = 0; i < nprops && r.ok(); ++i) {
      auto k = r.str();
      if (layout == record::layout_v1) {
        m.properties.emplace(k, PropertyValue(r.str()));
        continue;
      }
      auto v = read_typed_value(r);
      if (!v) return std::nullopt;
      m.properties.emplace(k, *v);
    }
    m.properties.shrink_to_fit();
  }
  m.body = r.str();
  if (m.priority > 9 || !r.ok() || !r.at_end()) return std::nullopt;
  return m;
}

std::ostream& operator<<(std::ostream& os, const MessageRecord& m) {
  os << "Message{id=" << m.id << ", address=" << m.address
     << ", durable=" << (m.durable ? "true" : "false") << ", priority=" << int(m.priority)
     << ", expiration=" << m.expiration << ", timestamp=" << m.timestamp
     << ", type=" << body_type_name(m.type) << ", bodySize=" << m.body.size();
  if (m.large_body_size) os << ", largeBodySize=" << *m.large_body_size;
  os << ", properties={";
  bool first = true;
  for (const auto& [k, v] : m.properties) {
    os << (first ? "" : ", ") << k << "=";
    print_property_value(os, v);
    first = false;
  }
  return os << "}}";
}

}  // namespace artemis::store
