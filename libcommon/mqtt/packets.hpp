#pragma once
// MQTT 3.1, 3.1.1 and 5 control packets as values: what the codec (mqtt/codec.hpp) decodes
// from and encodes to bytes. Fields that only MQTT 5 has (properties, reason codes on acks)
// stay at their defaults for the older versions.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace artemis::mqtt {

// The protocol level byte of CONNECT.
enum class Version : std::uint8_t { v3_1 = 3, v3_1_1 = 4, v5 = 5 };
constexpr bool is_v5(Version v) {
  return v == Version::v5;
}

enum class PacketType : std::uint8_t {
  connect = 1,
  connack,
  publish,
  puback,
  pubrec,
  pubrel,
  pubcomp,
  subscribe,
  suback,
  unsubscribe,
  unsuback,
  pingreq,
  pingresp,
  disconnect,
  auth,
};

// MQTT 5 properties, each at most once unless it is a list. Binary values (correlation data,
// authentication data) are held as bytes in a std::string.
struct Properties {
  std::optional<std::uint8_t> payload_format_indicator;              // 0x01
  std::optional<std::uint32_t> message_expiry_interval;              // 0x02
  std::optional<std::string> content_type;                           // 0x03
  std::optional<std::string> response_topic;                         // 0x08
  std::optional<std::string> correlation_data;                       // 0x09
  std::vector<std::uint32_t> subscription_identifiers;               // 0x0B
  std::optional<std::uint32_t> session_expiry_interval;              // 0x11
  std::optional<std::string> assigned_client_identifier;             // 0x12
  std::optional<std::uint16_t> server_keep_alive;                    // 0x13
  std::optional<std::string> authentication_method;                  // 0x15
  std::optional<std::string> authentication_data;                    // 0x16
  std::optional<std::uint8_t> request_problem_information;           // 0x17
  std::optional<std::uint32_t> will_delay_interval;                  // 0x18
  std::optional<std::uint8_t> request_response_information;          // 0x19
  std::optional<std::string> response_information;                   // 0x1A
  std::optional<std::string> server_reference;                       // 0x1C
  std::optional<std::string> reason_string;                          // 0x1F
  std::optional<std::uint16_t> receive_maximum;                      // 0x21
  std::optional<std::uint16_t> topic_alias_maximum;                  // 0x22
  std::optional<std::uint16_t> topic_alias;                          // 0x23
  std::optional<std::uint8_t> maximum_qos;                           // 0x24
  std::optional<std::uint8_t> retain_available;                      // 0x25
  std::vector<std::pair<std::string, std::string>> user_properties;  // 0x26, in order
  std::optional<std::uint32_t> maximum_packet_size;                  // 0x27
  std::optional<std::uint8_t> wildcard_subscription_available;       // 0x28
  std::optional<std::uint8_t> subscription_identifier_available;     // 0x29
  std::optional<std::uint8_t> shared_subscription_available;         // 0x2A

  bool operator==(const Properties&) const = default;
};

struct Will {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
  Properties properties;
  bool operator==(const Will&) const = default;
};

struct Connect {
  Version version = Version::v3_1_1;
  std::string client_id;
  bool clean_start = true;  // 3.1.1: clean session
  std::uint16_t keep_alive = 0;
  std::optional<Will> will;
  std::optional<std::string> username;
  std::optional<std::string> password;  // bytes
  Properties properties;
  bool operator==(const Connect&) const = default;
};

struct ConnAck {
  bool session_present = false;
  std::uint8_t reason = 0;  // 3.1.1: the return code
  Properties properties;
  bool operator==(const ConnAck&) const = default;
};

struct Publish {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;  // QoS 1 and 2 only
  Properties properties;
  bool operator==(const Publish&) const = default;
};

// PUBACK, PUBREC, PUBREL and PUBCOMP: one shape, told apart by `type`.
struct PubAck {
  PacketType type = PacketType::puback;
  std::uint16_t packet_id = 0;
  std::uint8_t reason = 0;
  Properties properties;
  bool operator==(const PubAck&) const = default;
};

struct Subscription {
  std::string filter;
  std::uint8_t qos = 0;
  bool no_local = false;             // 5 only
  bool retain_as_published = false;  // 5 only
  std::uint8_t retain_handling = 0;  // 5 only: 0 send, 1 send if new, 2 never
  bool operator==(const Subscription&) const = default;
};

struct Subscribe {
  std::uint16_t packet_id = 0;
  std::vector<Subscription> subscriptions;
  Properties properties;
  bool operator==(const Subscribe&) const = default;
};

struct SubAck {
  std::uint16_t packet_id = 0;
  std::vector<std::uint8_t> reasons;  // 3.1.1: granted QoS or 0x80
  Properties properties;
  bool operator==(const SubAck&) const = default;
};

struct Unsubscribe {
  std::uint16_t packet_id = 0;
  std::vector<std::string> filters;
  Properties properties;
  bool operator==(const Unsubscribe&) const = default;
};

struct UnsubAck {
  std::uint16_t packet_id = 0;
  std::vector<std::uint8_t> reasons;  // 5 only
  Properties properties;
  bool operator==(const UnsubAck&) const = default;
};

struct PingReq {
  bool operator==(const PingReq&) const = default;
};
struct PingResp {
  bool operator==(const PingResp&) const = default;
};

struct Disconnect {
  std::uint8_t reason = 0;  // 5 only
  Properties properties;
  bool operator==(const Disconnect&) const = default;
};

struct Auth {  // 5 only
  std::uint8_t reason = 0;
  Properties properties;
  bool operator==(const Auth&) const = default;
};

using Packet = std::variant<Connect, ConnAck, Publish, PubAck, Subscribe, SubAck, Unsubscribe,
                            UnsubAck, PingReq, PingResp, Disconnect, Auth>;

PacketType type_of(const Packet& p);

}  // namespace artemis::mqtt
