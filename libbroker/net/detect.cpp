#include "net/detect.hpp"

#include <array>

#include "util/strings.hpp"

namespace artemis::net {
namespace {

using Detect = ProtocolModule::Detect;

// A protocol recognised by a fixed prefix.
Detect match_prefix(std::string_view bytes, std::string_view magic) {
  if (bytes.size() >= magic.size()) return bytes.starts_with(magic) ? Detect::yes : Detect::no;
  return magic.starts_with(bytes) ? Detect::need_more : Detect::no;
}

// OpenWire: a 4-byte size prefix, the WireFormatInfo type byte (1), then "Act" of "ActiveMQ".
Detect match_openwire(std::string_view b) {
  if (b.size() < 4) return Detect::need_more;
  const std::string_view rest = b.substr(4);
  return match_prefix(rest, std::string_view("\001Act", 4));
}

}  // namespace

// MQTT CONNECT: 0x10, remaining length as 1-4 varint bytes, then the protocol name as a
// two-byte length (4 "MQTT" for 3.1.1/5, 6 "MQIsdp" for 3.1) followed by "MQ".
ProtocolModule::Detect detect_mqtt_connect(std::string_view b) {
  if (b.empty()) return Detect::need_more;
  if (static_cast<unsigned char>(b[0]) != 0x10) return Detect::no;
  std::size_t i = 1;
  for (int n = 0; n < 4; ++n, ++i) {
    if (i >= b.size()) return Detect::need_more;
    if ((static_cast<unsigned char>(b[i]) & 0x80) == 0) break;
    if (n == 3) return Detect::no;  // a fifth length byte is malformed
  }
  ++i;  // past the last remaining-length byte
  const std::array<unsigned char, 4> rest{0x00, 0x00, 'M', 'Q'};
  for (std::size_t k = 0; k < rest.size(); ++k, ++i) {
    if (i >= b.size()) return Detect::need_more;
    const auto c = static_cast<unsigned char>(b[i]);
    if (k == 1) {
      if (c != 4 && c != 6) return Detect::no;
    } else if (c != rest[k]) {
      return Detect::no;
    }
  }
  return Detect::yes;
}

// A TLS record carrying a handshake (a ClientHello): content type 22, version 3.x.
Detect match_tls(std::string_view s) {
  static constexpr unsigned char head[] = {0x16, 0x03};
  for (std::size_t i = 0; i < 3; ++i) {
    if (i >= s.size()) return Detect::need_more;
    const auto c = static_cast<unsigned char>(s[i]);
    if (i < 2 ? c != head[i] : c > 0x04) return Detect::no;
  }
  return Detect::yes;
}

ForeignDetect identify_foreign(std::string_view b) {
  struct Probe {
    std::string_view name;
    Detect (*fn)(std::string_view);
  };
  static constexpr Probe probes[] = {
      {"AMQP", [](std::string_view s) { return match_prefix(s, "AMQP"); }},
      {"CORE", [](std::string_view s) { return match_prefix(s, "ARTEMIS"); }},
      {"HORNETQ", [](std::string_view s) { return match_prefix(s, "HORNETQ"); }},
      {"MQTT", detect_mqtt_connect},
      {"OPENWIRE", match_openwire},
      {"TLS", match_tls},
      {"HTTP",
       [](std::string_view s) {
         for (std::string_view m : {"GET ", "POST ", "PUT ", "HEAD ", "OPTIONS ", "PATCH ",
                                    "DELETE ", "TRACE "}) {
           const auto d = match_prefix(s, m);
           if (d != Detect::no) return d;
         }
         return Detect::no;
       }},
  };
  ForeignDetect out;
  for (const auto& p : probes) {
    const auto d = p.fn(b);
    if (d == Detect::yes) return {Detect::yes, p.name};
    if (d == Detect::need_more) out.result = Detect::need_more;
  }
  return out;
}

Detection detect_protocol(std::string_view first_bytes,
                          const std::vector<ProtocolModule*>& modules) {
  bool waiting = false;
  for (auto* m : modules) {
    switch (m->detect(first_bytes)) {
      case Detect::yes: return {Detection::Outcome::module, m, {}};
      case Detect::need_more: waiting = true; break;
      case Detect::no: break;
    }
  }
  const auto foreign = identify_foreign(first_bytes);
  if (foreign.result == Detect::yes && !waiting)
    return {Detection::Outcome::foreign, nullptr, foreign.protocol};
  if (waiting || foreign.result == Detect::need_more) {
    if (first_bytes.size() < kMaxDetectBytes) return {Detection::Outcome::need_more, nullptr, {}};
    if (foreign.result == Detect::yes) return {Detection::Outcome::foreign, nullptr, foreign.protocol};
  }
  return {Detection::Outcome::unknown, nullptr, {}};
}

bool protocol_enabled(const std::vector<std::string>& enabled, std::string_view name) {
  if (enabled.empty()) return true;
  for (const auto& p : enabled)
    if (util::iequals(util::trim(p), name)) return true;
  return false;
}

}  // namespace artemis::net
