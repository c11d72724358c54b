// MQTT 5 properties (§2.2.2): identifier, type, where each may appear, and their values.
#include <fmt/core.h>

#include <array>
#include <initializer_list>

#include "mqtt/wire.hpp"

namespace artemis::mqtt::wire {

namespace {

using C = PropertyContext;

// The contexts a property identifier may appear in, as a bit set of PropertyContext.
constexpr std::uint32_t in(std::initializer_list<C> contexts) {
  std::uint32_t bits = 0;
  for (const C c : contexts) bits |= 1u << static_cast<unsigned>(c);
  return bits;
}

constexpr std::uint32_t allowed(std::uint8_t id) {
  switch (id) {
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x08:
    case 0x09:
      return in({C::publish, C::will});
    case 0x0B:
      return in({C::publish, C::subscribe});
    case 0x11:
      return in({C::connect, C::connack, C::disconnect});
    case 0x12:
    case 0x13:
    case 0x1A:
    case 0x24:
    case 0x25:
    case 0x28:
    case 0x29:
    case 0x2A:
      return in({C::connack});
    case 0x15:
    case 0x16:
      return in({C::connect, C::connack, C::auth});
    case 0x17:
    case 0x19:
      return in({C::connect});
    case 0x18:
      return in({C::will});
    case 0x1C:
      return in({C::connack, C::disconnect});
    case 0x1F:
      return in({C::connack, C::pub_ack, C::suback, C::unsuback, C::disconnect, C::auth});
    case 0x21:
    case 0x22:
    case 0x27:
      return in({C::connect, C::connack});
    case 0x23:
      return in({C::publish});
    case 0x26:
      return in({C::connect, C::will, C::connack, C::publish, C::pub_ack, C::subscribe, C::suback,
                 C::unsubscribe, C::unsuback, C::disconnect, C::auth});
    default:
      return 0;
  }
}

template <class T>
errc set_once(std::optional<T>& slot, T value, std::uint8_t id, std::string& why) {
  if (slot) {
    why = fmt::format("property 0x{:02X} appears twice", id);
    return errc::protocol_error;
  }
  slot = std::move(value);
  return errc::ok;
}

// A byte property that may only be 0 or 1.
errc set_flag(std::optional<std::uint8_t>& slot, std::uint8_t v, std::uint8_t id,
              std::string& why) {
  if (v > 1) {
    why = fmt::format("property 0x{:02X} must be 0 or 1, not {}", id, v);
    return errc::protocol_error;
  }
  return set_once(slot, v, id, why);
}

errc set_nonzero(std::optional<std::uint16_t>& slot, std::uint16_t v, std::uint8_t id,
                 std::string& why) {
  if (v == 0) {
    why = fmt::format("property 0x{:02X} must not be 0", id);
    return errc::protocol_error;
  }
  return set_once(slot, v, id, why);
}

errc read_one(Reader& r, std::uint8_t id, C where, Properties& p, std::string& why) {
  std::uint8_t b = 0;
  std::uint16_t s = 0;
  std::uint32_t w = 0;
  std::string text;
  const auto truncated = [&] {
    why = fmt::format("property 0x{:02X} does not fit in the property length", id);
    return errc::malformed_packet;
  };
  const auto bad_text = [&] {
    why = fmt::format("property 0x{:02X} is no valid UTF-8 string", id);
    return errc::malformed_packet;
  };
  switch (id) {
    case 0x01:
      return r.u8(b) ? set_flag(p.payload_format_indicator, b, id, why) : truncated();
    case 0x02:
      return r.u32(w) ? set_once(p.message_expiry_interval, w, id, why) : truncated();
    case 0x03:
      return r.utf8(text) ? set_once(p.content_type, text, id, why) : bad_text();
    case 0x08:
      return r.utf8(text) ? set_once(p.response_topic, text, id, why) : bad_text();
    case 0x09:
      return r.binary(text) ? set_once(p.correlation_data, text, id, why) : truncated();
    case 0x0B:
      if (!r.varint(w)) return truncated();
      if (w == 0) {
        why = "a subscription identifier must not be 0";
        return errc::protocol_error;
      }
      if (where == C::subscribe && !p.subscription_identifiers.empty()) {
        why = "SUBSCRIBE carries one subscription identifier at most";
        return errc::protocol_error;
      }
      p.subscription_identifiers.push_back(w);
      return errc::ok;
    case 0x11:
      return r.u32(w) ? set_once(p.session_expiry_interval, w, id, why) : truncated();
    case 0x12:
      return r.utf8(text) ? set_once(p.assigned_client_identifier, text, id, why) : bad_text();
    case 0x13:
      return r.u16(s) ? set_once(p.server_keep_alive, s, id, why) : truncated();
    case 0x15:
      return r.utf8(text) ? set_once(p.authentication_method, text, id, why) : bad_text();
    case 0x16:
      return r.binary(text) ? set_once(p.authentication_data, text, id, why) : truncated();
    case 0x17:
      return r.u8(b) ? set_flag(p.request_problem_information, b, id, why) : truncated();
    case 0x18:
      return r.u32(w) ? set_once(p.will_delay_interval, w, id, why) : truncated();
    case 0x19:
      return r.u8(b) ? set_flag(p.request_response_information, b, id, why) : truncated();
    case 0x1A:
      return r.utf8(text) ? set_once(p.response_information, text, id, why) : bad_text();
    case 0x1C:
      return r.utf8(text) ? set_once(p.server_reference, text, id, why) : bad_text();
    case 0x1F:
      return r.utf8(text) ? set_once(p.reason_string, text, id, why) : bad_text();
    case 0x21:
      return r.u16(s) ? set_nonzero(p.receive_maximum, s, id, why) : truncated();
    case 0x22:
      return r.u16(s) ? set_once(p.topic_alias_maximum, s, id, why) : truncated();
    case 0x23:
      return r.u16(s) ? set_nonzero(p.topic_alias, s, id, why) : truncated();
    case 0x24:
      return r.u8(b) ? set_flag(p.maximum_qos, b, id, why) : truncated();
    case 0x25:
      return r.u8(b) ? set_flag(p.retain_available, b, id, why) : truncated();
    case 0x26: {
      std::string value;
      if (!r.utf8(text) || !r.utf8(value)) return bad_text();
      p.user_properties.emplace_back(std::move(text), std::move(value));
      return errc::ok;
    }
    case 0x27:
      if (!r.u32(w)) return truncated();
      if (w == 0) {
        why = "the maximum packet size must not be 0";
        return errc::protocol_error;
      }
      return set_once(p.maximum_packet_size, w, id, why);
    case 0x28:
      return r.u8(b) ? set_flag(p.wildcard_subscription_available, b, id, why) : truncated();
    case 0x29:
      return r.u8(b) ? set_flag(p.subscription_identifier_available, b, id, why) : truncated();
    case 0x2A:
      return r.u8(b) ? set_flag(p.shared_subscription_available, b, id, why) : truncated();
    default:
      break;
  }
  why = fmt::format("unknown property 0x{:02X}", id);
  return errc::malformed_packet;
}

}  // namespace

errc read_properties(Reader& r, PropertyContext where, Properties& out, std::string& why) {
  std::uint32_t length = 0;
  std::string_view bytes;
  if (!r.varint(length) || !r.take(length, bytes)) {
    why = "the property length runs past the packet";
    return errc::malformed_packet;
  }
  Reader props(bytes);
  while (!props.empty()) {
    std::uint32_t id = 0;
    if (!props.varint(id) || id > 0x7f) {
      why = "a property identifier is no known property";
      return errc::malformed_packet;
    }
    const auto id8 = static_cast<std::uint8_t>(id);
    if (allowed(id8) != 0 && (allowed(id8) & in({where})) == 0) {
      why = fmt::format("property 0x{:02X} is not allowed here", id8);
      return errc::protocol_error;
    }
    if (const auto e = read_one(props, id8, where, out, why); e != errc::ok) return e;
  }
  return errc::ok;
}

namespace {

// The properties' bytes, in identifier order.
bool property_bytes(std::string& o, const Properties& p) {
  const auto byte = [&](std::uint8_t id, const std::optional<std::uint8_t>& v) {
    if (v) put_u8(o, id), put_u8(o, *v);
  };
  const auto two = [&](std::uint8_t id, const std::optional<std::uint16_t>& v) {
    if (v) put_u8(o, id), put_u16(o, *v);
  };
  const auto four = [&](std::uint8_t id, const std::optional<std::uint32_t>& v) {
    if (v) put_u8(o, id), put_u32(o, *v);
  };
  bool ok = true;
  const auto text = [&](std::uint8_t id, const std::optional<std::string>& v) {
    if (v) put_u8(o, id), ok = put_binary(o, *v) && ok;
  };
  byte(0x01, p.payload_format_indicator);
  four(0x02, p.message_expiry_interval);
  text(0x03, p.content_type);
  text(0x08, p.response_topic);
  text(0x09, p.correlation_data);
  for (const auto id : p.subscription_identifiers) put_u8(o, 0x0B), put_varint(o, id);
  four(0x11, p.session_expiry_interval);
  text(0x12, p.assigned_client_identifier);
  two(0x13, p.server_keep_alive);
  text(0x15, p.authentication_method);
  text(0x16, p.authentication_data);
  byte(0x17, p.request_problem_information);
  four(0x18, p.will_delay_interval);
  byte(0x19, p.request_response_information);
  text(0x1A, p.response_information);
  text(0x1C, p.server_reference);
  text(0x1F, p.reason_string);
  two(0x21, p.receive_maximum);
  two(0x22, p.topic_alias_maximum);
  two(0x23, p.topic_alias);
  byte(0x24, p.maximum_qos);
  byte(0x25, p.retain_available);
  for (const auto& [k, v] : p.user_properties) {
    put_u8(o, 0x26);
    ok = put_binary(o, k) && put_binary(o, v) && ok;
  }
  four(0x27, p.maximum_packet_size);
  byte(0x28, p.wildcard_subscription_available);
  byte(0x29, p.subscription_identifier_available);
  byte(0x2A, p.shared_subscription_available);
  return ok;
}

}  // namespace

bool write_properties(std::string& out, const Properties& p) {
  std::string bytes;
  if (!property_bytes(bytes, p) || bytes.size() > kMaxRemainingLength) return false;
  put_varint(out, static_cast<std::uint32_t>(bytes.size()));
  out += bytes;
  return true;
}

}  // namespace artemis::mqtt::wire
