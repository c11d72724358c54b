#include "client/amqp_message.hpp"

#include <proton/codec.h>

#include <algorithm>
#include <limits>

namespace artemis::client {
namespace {

pn_bytes_t message_bytes(const std::string& s) {
  return pn_bytes(s.size(), s.data());
}

std::string bytes_text(pn_bytes_t b) {
  return {b.start, b.size};
}

// The value at the cursor as text: strings as they are, numbers and the rest as Proton
// renders them.
std::string scalar_text(pn_data_t* d) {
  switch (pn_data_type(d)) {
    case PN_STRING:
      return bytes_text(pn_data_get_string(d));
    case PN_SYMBOL:
      return bytes_text(pn_data_get_symbol(d));
    case PN_BINARY:
      return bytes_text(pn_data_get_binary(d));
    case PN_BOOL:
      return pn_data_get_bool(d) ? "true" : "false";
    case PN_INT:
      return std::to_string(pn_data_get_int(d));
    case PN_LONG:
      return std::to_string(pn_data_get_long(d));
    case PN_UINT:
      return std::to_string(pn_data_get_uint(d));
    case PN_ULONG:
      return std::to_string(pn_data_get_ulong(d));
    case PN_SHORT:
      return std::to_string(pn_data_get_short(d));
    case PN_USHORT:
      return std::to_string(pn_data_get_ushort(d));
    case PN_BYTE:
      return std::to_string(pn_data_get_byte(d));
    case PN_UBYTE:
      return std::to_string(pn_data_get_ubyte(d));
    default:
      return {};  // a list or map in a property: not a JMS property type
  }
}

// Proton's rendering of all of `d` (a body that is neither text nor binary, e.g. a map).
std::string rendering(pn_data_t* d) {
  std::string out(256, '\0');
  for (int round = 0; round < 24; ++round) {  // bounded: the room doubles each round
    std::size_t size = out.size();
    if (pn_data_format(d, out.data(), &size) == 0) {
      out.resize(size);
      return out;
    }
    out.resize(out.size() * 2);
  }
  return {};
}

std::string id_text(pn_atom_t a) {
  switch (a.type) {
    case PN_STRING:
    case PN_BINARY:
      return bytes_text(a.u.as_bytes);
    case PN_ULONG:
      return std::to_string(a.u.as_ulong);
    case PN_UUID: {
      static constexpr char hex[] = "0123456789abcdef";
      std::string s;
      for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
        const auto b = static_cast<unsigned char>(a.u.as_uuid.bytes[i]);
        s += hex[b >> 4];
        s += hex[b & 15];
      }
      return s;
    }
    default:
      return {};
  }
}

}  // namespace

bool encode_amqp(const Message& m, std::int64_t now_ms, pn_message_t* msg, std::string& out) {
  pn_message_clear(msg);
  pn_message_set_durable(msg, m.delivery == Delivery::persistent);
  if (m.priority >= 0) pn_message_set_priority(msg, static_cast<uint8_t>(std::min(m.priority, 9)));
  if (m.expiration_ms > 0) {
    pn_message_set_expiry_time(msg, m.expiration_ms);
    const auto left = std::clamp<std::int64_t>(m.expiration_ms - now_ms, 1,
                                               std::numeric_limits<pn_millis_t>::max());
    pn_message_set_ttl(msg, static_cast<pn_millis_t>(left));
  }
  if (!m.group_id.empty()) pn_message_set_group_id(msg, m.group_id.c_str());
  if (!m.properties.empty()) {
    pn_data_t* props = pn_message_properties(msg);
    pn_data_put_map(props);
    pn_data_enter(props);
    for (const auto& [k, v] : m.properties) {
      pn_data_put_string(props, message_bytes(k));
      pn_data_put_string(props, message_bytes(v));
    }
    pn_data_exit(props);
  }
  pn_data_t* body = pn_message_body(msg);
  if (m.type == BodyType::bytes) {
    pn_message_set_inferred(msg, true);  // a Data section
    pn_data_put_binary(body, message_bytes(m.body));
  } else {
    pn_data_put_string(body, message_bytes(m.body));
  }
  out.resize(std::max<std::size_t>(out.capacity(), 256 + m.body.size()));
  return encode_message(msg, out);
}

bool encode_message(pn_message_t* msg, std::string& out) {
  out.resize(std::max<std::size_t>(out.size(), 256));
  for (int round = 0; round < 32; ++round) {  // bounded: each round doubles the room
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

Message decode_amqp(const std::string& bytes, const std::string& address, pn_message_t* msg) {
  Message m;
  pn_message_clear(msg);
  if (bytes.empty() || pn_message_decode(msg, bytes.data(), bytes.size()) != 0) return m;
  m.delivery = pn_message_is_durable(msg) ? Delivery::persistent : Delivery::non_persistent;
  m.priority = pn_message_get_priority(msg);
  m.expiration_ms = pn_message_get_expiry_time(msg);
  m.timestamp_ms = pn_message_get_creation_time(msg);
  m.redelivered = pn_message_get_delivery_count(msg) > 0;
  m.message_id = id_text(pn_message_get_id(msg));
  const char* to = pn_message_get_address(msg);
  m.destination = to != nullptr && *to != '\0' ? to : address;
  if (const char* g = pn_message_get_group_id(msg)) m.group_id = g;
  pn_data_t* props = pn_message_properties(msg);
  pn_data_rewind(props);
  if (pn_data_next(props) && pn_data_type(props) == PN_MAP) {
    const std::size_t n = pn_data_get_map(props);
    pn_data_enter(props);
    for (std::size_t i = 0; i + 1 < n && pn_data_next(props); i += 2) {
      std::string key = scalar_text(props);
      if (!pn_data_next(props)) break;
      m.properties.emplace(std::move(key), scalar_text(props));
    }
    pn_data_exit(props);
  }
  pn_data_t* body = pn_message_body(msg);
  pn_data_rewind(body);
  if (pn_data_next(body)) {
    const auto t = pn_data_type(body);
    m.type = t == PN_BINARY ? BodyType::bytes : BodyType::text;
    m.body = t == PN_STRING || t == PN_BINARY ? scalar_text(body) : rendering(body);
  }
  return m;
}

}  // namespace artemis::client
