// MQTT packets to bytes. Each packet's variable header and payload are written first, then the
// fixed header in front of them, since the remaining length is known only then.
#include "mqtt/codec.hpp"
#include "mqtt/wire.hpp"

namespace artemis::mqtt {

namespace {

using namespace wire;

struct BodyWriter {
  Version version;
  std::string body;
  std::uint8_t flags = 0;  // the fixed header's low four bits

  bool properties(const Properties& p) { return !is_v5(version) || write_properties(body, p); }

  bool operator()(const Connect& c) {
    const bool old = c.version == Version::v3_1;
    bool ok = put_binary(body, old ? "MQIsdp" : "MQTT");
    put_u8(body, static_cast<std::uint8_t>(c.version));
    std::uint8_t f = c.clean_start ? 0x02 : 0;
    if (c.will)
      f |= static_cast<std::uint8_t>(0x04 | c.will->qos << 3 | (c.will->retain ? 0x20 : 0));
    if (c.password) f |= 0x40;
    if (c.username) f |= 0x80;
    put_u8(body, f);
    put_u16(body, c.keep_alive);
    // CONNECT speaks its own version, whatever the writer was given.
    if (c.version == Version::v5) ok = write_properties(body, c.properties) && ok;
    ok = put_binary(body, c.client_id) && ok;
    if (c.will) {
      if (c.version == Version::v5) ok = write_properties(body, c.will->properties) && ok;
      ok = put_binary(body, c.will->topic) && put_binary(body, c.will->payload) && ok;
    }
    if (c.username) ok = put_binary(body, *c.username) && ok;
    if (c.password) ok = put_binary(body, *c.password) && ok;
    return ok;
  }
  bool operator()(const ConnAck& a) {
    put_u8(body, a.session_present ? 1 : 0);
    put_u8(body, a.reason);
    return properties(a.properties);
  }
  bool operator()(const Publish& p) {
    flags = static_cast<std::uint8_t>((p.dup ? 0x08 : 0) | p.qos << 1 | (p.retain ? 1 : 0));
    bool ok = put_binary(body, p.topic);
    if (p.qos > 0) put_u16(body, p.packet_id);
    ok = properties(p.properties) && ok;
    body += p.payload;
    return ok;
  }
  bool operator()(const PubAck& a) {
    if (a.type == PacketType::pubrel) flags = 0x02;
    put_u16(body, a.packet_id);
    return reason_and_properties(a.reason, a.properties);
  }
  bool operator()(const Subscribe& s) {
    flags = 0x02;
    put_u16(body, s.packet_id);
    bool ok = properties(s.properties);
    for (const auto& sub : s.subscriptions) {
      ok = put_binary(body, sub.filter) && ok;
      std::uint8_t options = sub.qos;
      if (is_v5(version))
        options |= static_cast<std::uint8_t>((sub.no_local ? 0x04 : 0) |
                                             (sub.retain_as_published ? 0x08 : 0) |
                                             sub.retain_handling << 4);
      put_u8(body, options);
    }
    return ok;
  }
  bool operator()(const SubAck& a) {
    put_u16(body, a.packet_id);
    const bool ok = properties(a.properties);
    for (const auto r : a.reasons) put_u8(body, r);
    return ok;
  }
  bool operator()(const Unsubscribe& u) {
    flags = 0x02;
    put_u16(body, u.packet_id);
    bool ok = properties(u.properties);
    for (const auto& f : u.filters) ok = put_binary(body, f) && ok;
    return ok;
  }
  bool operator()(const UnsubAck& a) {
    put_u16(body, a.packet_id);
    if (!is_v5(version)) return true;
    const bool ok = properties(a.properties);
    for (const auto r : a.reasons) put_u8(body, r);
    return ok;
  }
  bool operator()(const PingReq&) { return true; }
  bool operator()(const PingResp&) { return true; }
  bool operator()(const Disconnect& d) { return reason_and_properties(d.reason, d.properties); }
  bool operator()(const Auth& a) { return reason_and_properties(a.reason, a.properties); }

  // MQTT 5 leaves out a success reason without properties, and empty properties.
  bool reason_and_properties(std::uint8_t reason, const Properties& p) {
    if (!is_v5(version)) return true;
    if (reason == 0 && p == Properties{}) return true;
    put_u8(body, reason);
    if (p == Properties{}) return true;
    return write_properties(body, p);
  }
};

}  // namespace

PacketType type_of(const Packet& p) {
  struct {
    PacketType operator()(const Connect&) const { return PacketType::connect; }
    PacketType operator()(const ConnAck&) const { return PacketType::connack; }
    PacketType operator()(const Publish&) const { return PacketType::publish; }
    PacketType operator()(const PubAck& a) const { return a.type; }
    PacketType operator()(const Subscribe&) const { return PacketType::subscribe; }
    PacketType operator()(const SubAck&) const { return PacketType::suback; }
    PacketType operator()(const Unsubscribe&) const { return PacketType::unsubscribe; }
    PacketType operator()(const UnsubAck&) const { return PacketType::unsuback; }
    PacketType operator()(const PingReq&) const { return PacketType::pingreq; }
    PacketType operator()(const PingResp&) const { return PacketType::pingresp; }
    PacketType operator()(const Disconnect&) const { return PacketType::disconnect; }
    PacketType operator()(const Auth&) const { return PacketType::auth; }
  } visitor;
  return std::visit(visitor, p);
}

bool encode_publish_head(const Publish& p, Version version, std::uint64_t payload_size,
                         std::string& out) {
  BodyWriter w{version, {}, 0};
  if (!p.payload.empty() || !w(p) || payload_size > kMaxRemainingLength - w.body.size())
    return false;
  put_u8(out,
         static_cast<std::uint8_t>(static_cast<std::uint8_t>(PacketType::publish) << 4 | w.flags));
  put_varint(out, static_cast<std::uint32_t>(w.body.size() + payload_size));
  out += w.body;
  return true;
}

bool encode(const Packet& packet, Version version, std::string& out) {
  BodyWriter w{version, {}, 0};
  if (!std::visit(w, packet) || w.body.size() > kMaxRemainingLength) return false;
  put_u8(out, static_cast<std::uint8_t>(static_cast<std::uint8_t>(type_of(packet)) << 4 | w.flags));
  put_varint(out, static_cast<std::uint32_t>(w.body.size()));
  out += w.body;
  return true;
}

}  // namespace artemis::mqtt
