#pragma once
// Protocol detection on a shared port, from the first bytes a client sends
// (reference: addressing-protocols.md §2.2). Pure functions: no sockets, unit-tested.
//
// Modules the broker implements answer for themselves (ProtocolModule::detect). For the
// protocols Artemis speaks and this broker does not speak yet, identify_foreign() names the
// protocol so the connection can be closed with a log line that says what the client spoke.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/protocol.hpp"

namespace artemis::net {

// Artemis waits for 8 bytes before deciding; we decide as soon as a module says yes, and give
// up on a client that sent this much without being recognised.
inline constexpr std::size_t kMaxDetectBytes = 64;

struct ForeignDetect {
  ProtocolModule::Detect result = ProtocolModule::Detect::no;
  std::string_view protocol;  // "AMQP", "CORE", "HORNETQ", "MQTT", "OPENWIRE", "HTTP" when yes
};
ForeignDetect identify_foreign(std::string_view first_bytes);

// An MQTT CONNECT (0x10, its remaining length, protocol name MQTT or MQIsdp): the MQTT module
// answers with it, and identify_foreign names MQTT with it where no module speaks it.
ProtocolModule::Detect detect_mqtt_connect(std::string_view first_bytes);

struct Detection {
  enum class Outcome { module, need_more, foreign, unknown };
  Outcome outcome = Outcome::unknown;
  ProtocolModule* module = nullptr;  // Outcome::module
  std::string_view foreign;          // Outcome::foreign: the protocol's name
};
// Chooses among the acceptor's enabled modules; falls back to naming a foreign protocol.
Detection detect_protocol(std::string_view first_bytes,
                          const std::vector<ProtocolModule*>& modules);

// True when `name` is enabled by an acceptor's protocols= list (empty list = all).
bool protocol_enabled(const std::vector<std::string>& enabled, std::string_view name);

}  // namespace artemis::net
