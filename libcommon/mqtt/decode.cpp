// MQTT packets from bytes: the fixed header's flags, each packet's variable header and payload,
// and the incremental Decoder.
#include <fmt/core.h>

#include "mqtt/codec.hpp"
#include "mqtt/wire.hpp"

namespace artemis::mqtt {

namespace {

using wire::PropertyContext;
using wire::Reader;

// The reason a decode failed: code and words, filled once.
struct Failure {
  errc code = errc::ok;
  std::string& why;
  bool fail(errc e, std::string text) {
    code = e;
    why = std::move(text);
    return false;
  }
  bool malformed(std::string text) { return fail(errc::malformed_packet, std::move(text)); }
  bool protocol(std::string text) { return fail(errc::protocol_error, std::move(text)); }
  bool properties(Reader& r, PropertyContext where, Properties& p) {
    const auto e = wire::read_properties(r, where, p, why);
    if (e == errc::ok) return true;
    code = e;
    return false;
  }
};

bool packet_id(Reader& r, std::uint16_t& id, Failure& f) {
  if (!r.u16(id)) return f.malformed("no packet identifier");
  if (id == 0) return f.protocol("the packet identifier must not be 0");
  return true;
}

bool connect(Reader& r, Connect& c, Failure& f) {
  std::string name;
  std::uint8_t level = 0, flags = 0;
  if (!r.utf8(name) || !r.u8(level)) return f.malformed("CONNECT without protocol name and level");
  if (name != "MQTT" && name != "MQIsdp") return f.malformed(fmt::format("protocol '{}'", name));
  if (!(name == "MQTT" && (level == 4 || level == 5)) && !(name == "MQIsdp" && level == 3))
    return f.fail(errc::unsupported_protocol_version,
                  fmt::format("protocol {} level {} is not supported", name, level));
  c.version = static_cast<Version>(level);
  if (!r.u8(flags) || !r.u16(c.keep_alive)) return f.malformed("CONNECT too short");
  if (flags & 0x01) return f.malformed("CONNECT's reserved flag is set");
  c.clean_start = flags & 0x02;
  const bool will = flags & 0x04;
  const auto will_qos = static_cast<std::uint8_t>(flags >> 3 & 0x03);
  const bool will_retain = flags & 0x20;
  const bool password = flags & 0x40, username = flags & 0x80;
  if (will_qos == 3) return f.malformed("will QoS 3");
  if (!will && (will_qos != 0 || will_retain))
    return f.malformed("will QoS or retain set without a will");
  if (password && !username && !is_v5(c.version))
    return f.malformed("a password without a user name");
  if (is_v5(c.version) && !f.properties(r, PropertyContext::connect, c.properties)) return false;
  if (!r.utf8(c.client_id)) return f.malformed("no valid client identifier");
  if (will) {
    Will w;
    w.qos = will_qos;
    w.retain = will_retain;
    if (is_v5(c.version) && !f.properties(r, PropertyContext::will, w.properties)) return false;
    if (!r.utf8(w.topic) || !r.binary(w.payload))
      return f.malformed("no valid will topic and payload");
    c.will = std::move(w);
  }
  if (username) {
    std::string u;
    if (!r.utf8(u)) return f.malformed("no valid user name");
    c.username = std::move(u);
  }
  if (password) {
    std::string p;
    if (!r.binary(p)) return f.malformed("no password");
    c.password = std::move(p);
  }
  return true;
}

bool connack(Reader& r, Version v, ConnAck& a, Failure& f) {
  std::uint8_t flags = 0;
  if (!r.u8(flags) || !r.u8(a.reason)) return f.malformed("CONNACK too short");
  if (flags & 0xfe) return f.malformed("CONNACK's reserved flags are set");
  a.session_present = flags & 0x01;
  return !is_v5(v) || f.properties(r, PropertyContext::connack, a.properties);
}

bool publish(Reader& r, std::uint8_t flags, Version v, Publish& p, Failure& f) {
  p.dup = flags & 0x08;
  p.qos = flags >> 1 & 0x03;
  p.retain = flags & 0x01;
  if (p.qos == 3) return f.malformed("PUBLISH with QoS 3");
  if (p.qos == 0 && p.dup) return f.malformed("PUBLISH with QoS 0 marked DUP");
  if (!r.utf8(p.topic)) return f.malformed("no valid topic name");
  if (p.topic.find_first_of("+#") != std::string::npos)
    return f.protocol(fmt::format("topic name '{}' holds a wildcard", p.topic));
  if (p.qos > 0 && !packet_id(r, p.packet_id, f)) return false;
  if (is_v5(v) && !f.properties(r, PropertyContext::publish, p.properties)) return false;
  if (p.topic.empty() && !p.properties.topic_alias) return f.protocol("empty topic name");
  std::string_view payload;
  r.take(r.left(), payload);
  p.payload.assign(payload);
  return true;
}

// PUBACK, PUBREC, PUBREL, PUBCOMP; also DISCONNECT and AUTH, which have no identifier.
bool reason_and_properties(Reader& r, Version v, PropertyContext where, std::uint8_t& reason,
                           Properties& props, Failure& f) {
  if (!is_v5(v) || r.empty()) return true;  // reason 0 (success) when left out
  if (!r.u8(reason)) return f.malformed("no reason code");
  if (r.empty()) return true;
  return f.properties(r, where, props);
}

bool subscribe(Reader& r, Version v, Subscribe& s, Failure& f) {
  if (!packet_id(r, s.packet_id, f)) return false;
  if (is_v5(v) && !f.properties(r, PropertyContext::subscribe, s.properties)) return false;
  if (r.empty()) return f.protocol("SUBSCRIBE without a topic filter");
  while (!r.empty()) {
    Subscription sub;
    std::uint8_t options = 0;
    if (!r.utf8(sub.filter) || !r.u8(options)) return f.malformed("no valid topic filter");
    sub.qos = options & 0x03;
    if (sub.qos == 3) return f.malformed("subscription QoS 3");
    if (is_v5(v)) {
      sub.no_local = options & 0x04;
      sub.retain_as_published = options & 0x08;
      sub.retain_handling = options >> 4 & 0x03;
      if (sub.retain_handling == 3) return f.protocol("retain handling 3");
      if (options & 0xc0) return f.malformed("reserved subscription options are set");
    } else if (options & 0xfc) {
      return f.malformed("reserved subscription options are set");
    }
    s.subscriptions.push_back(std::move(sub));
  }
  return true;
}

bool unsubscribe(Reader& r, Version v, Unsubscribe& u, Failure& f) {
  if (!packet_id(r, u.packet_id, f)) return false;
  if (is_v5(v) && !f.properties(r, PropertyContext::unsubscribe, u.properties)) return false;
  if (r.empty()) return f.protocol("UNSUBSCRIBE without a topic filter");
  while (!r.empty()) {
    std::string filter;
    if (!r.utf8(filter)) return f.malformed("no valid topic filter");
    u.filters.push_back(std::move(filter));
  }
  return true;
}

// SUBACK and UNSUBACK (the latter has reason codes in 5 only).
bool ack_list(Reader& r, Version v, PropertyContext where, std::uint16_t& id,
              std::vector<std::uint8_t>& reasons, Properties& props, Failure& f) {
  if (!packet_id(r, id, f)) return false;
  if (is_v5(v) && !f.properties(r, where, props)) return false;
  // A 3.1.1 UNSUBACK ends with its identifier: what follows is left over, so malformed.
  if (where == PropertyContext::unsuback && !is_v5(v)) return true;
  for (std::uint8_t c = 0; r.u8(c);) reasons.push_back(c);
  return true;
}

// The flags the fixed header of each packet type must carry (PUBLISH's are its own).
bool flags_valid(PacketType t, std::uint8_t flags) {
  if (t == PacketType::publish) return true;
  const bool two =
      t == PacketType::pubrel || t == PacketType::subscribe || t == PacketType::unsubscribe;
  return flags == (two ? 0x02 : 0x00);
}

}  // namespace

std::error_code decode(std::uint8_t first_byte, std::string_view body, Version version, Packet& out,
                       std::string& why) {
  Failure f{errc::ok, why};
  const auto raw_type = first_byte >> 4;
  const auto flags = static_cast<std::uint8_t>(first_byte & 0x0f);
  if (raw_type == 0 || (raw_type == 15 && !is_v5(version))) {
    why = fmt::format("packet type {} does not exist", raw_type);
    return errc::malformed_packet;
  }
  const auto type = static_cast<PacketType>(raw_type);
  if (!flags_valid(type, flags)) {
    why = fmt::format("packet type {} with flags 0x{:X}", raw_type, flags);
    return errc::malformed_packet;
  }
  Reader r(body);
  bool ok = false;
  switch (type) {
    case PacketType::connect:
      ok = connect(r, out.emplace<Connect>(), f);
      break;
    case PacketType::connack:
      ok = connack(r, version, out.emplace<ConnAck>(), f);
      break;
    case PacketType::publish:
      ok = publish(r, flags, version, out.emplace<Publish>(), f);
      break;
    case PacketType::puback:
    case PacketType::pubrec:
    case PacketType::pubrel:
    case PacketType::pubcomp: {
      auto& a = out.emplace<PubAck>();
      a.type = type;
      ok = packet_id(r, a.packet_id, f) &&
           reason_and_properties(r, version, PropertyContext::pub_ack, a.reason, a.properties, f);
      break;
    }
    case PacketType::subscribe:
      ok = subscribe(r, version, out.emplace<Subscribe>(), f);
      break;
    case PacketType::suback: {
      auto& a = out.emplace<SubAck>();
      ok = ack_list(r, version, PropertyContext::suback, a.packet_id, a.reasons, a.properties, f);
      if (ok && a.reasons.empty()) ok = f.protocol("SUBACK without a reason code");
      break;
    }
    case PacketType::unsubscribe:
      ok = unsubscribe(r, version, out.emplace<Unsubscribe>(), f);
      break;
    case PacketType::unsuback: {
      auto& a = out.emplace<UnsubAck>();
      ok = ack_list(r, version, PropertyContext::unsuback, a.packet_id, a.reasons, a.properties, f);
      break;
    }
    case PacketType::pingreq:
      out.emplace<PingReq>();
      ok = true;
      break;
    case PacketType::pingresp:
      out.emplace<PingResp>();
      ok = true;
      break;
    case PacketType::disconnect: {
      auto& d = out.emplace<Disconnect>();
      ok =
          reason_and_properties(r, version, PropertyContext::disconnect, d.reason, d.properties, f);
      break;
    }
    case PacketType::auth: {
      auto& a = out.emplace<Auth>();
      ok = reason_and_properties(r, version, PropertyContext::auth, a.reason, a.properties, f);
      break;
    }
  }
  if (!ok) return f.code;
  if (!r.empty()) {
    why = fmt::format("{} bytes after the end of a packet of type {}", r.left(), raw_type);
    return errc::malformed_packet;
  }
  return {};
}

void Decoder::feed(std::string_view bytes) {
  if (pos_ > 0 && pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  }
  buffer_.append(bytes);
}

Decoder::Status Decoder::fail(errc e, std::string why) {
  error_ = e;
  why_ = std::move(why);
  return Status::error;
}

Decoder::Status Decoder::next(Packet& out) {
  if (error_) return Status::error;
  const std::string_view data = std::string_view(buffer_).substr(pos_);
  if (data.size() < 2) return Status::need_more;
  Reader header(data.substr(1));
  std::uint32_t length = 0;
  if (!header.varint(length)) {
    if (data.size() >= 5) return fail(errc::malformed_packet, "remaining length over 4 bytes");
    return Status::need_more;
  }
  const std::size_t header_size = data.size() - header.left();
  if (header_size + length > limits_.max_packet_size)
    return fail(errc::packet_too_large, fmt::format("a packet of {} bytes is over the limit of {}",
                                                    header_size + length, limits_.max_packet_size));
  if (data.size() < header_size + length) return Status::need_more;
  std::string why;
  const auto first = static_cast<std::uint8_t>(data[0]);
  if (const auto ec = decode(first, data.substr(header_size, length), version_, out, why)) {
    error_ = ec;
    why_ = std::move(why);
    return Status::error;
  }
  pos_ += header_size + length;
  // Consumed bytes go once they are a good part of the buffer: no quadratic moves.
  if (pos_ > 4096 && pos_ * 2 > buffer_.size()) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  return Status::packet;
}

}  // namespace artemis::mqtt
