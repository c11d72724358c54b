#pragma once
// A message as the client API sees it: a text or bytes body plus string properties (STOMP
// carries every property as a header string). Plain value type, no thread affinity.
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "stomp/codec.hpp"

namespace artemis::client {

enum class BodyType { text, bytes };
enum class Delivery { non_persistent, persistent };

struct Message {
  BodyType type = BodyType::text;
  std::string body;
  std::map<std::string, std::string> properties;  // application properties
  Delivery delivery = Delivery::persistent;
  std::int64_t expiration_ms = 0;                 // absolute epoch ms; 0 = never
  std::string group_id;                           // JMSXGroupID
  int priority = -1;                              // -1 = broker default

  // Filled on receive.
  std::string message_id;
  std::string destination;
  bool redelivered = false;
  std::int64_t timestamp_ms = 0;  // when the broker took it (epoch ms); 0 = not told

  const std::string* property(std::string_view name) const;
  // The producer's duplicate-detection id (property _AMQ_DUPL_ID), empty when absent.
  std::string duplicate_id() const;
};
std::ostream& operator<<(std::ostream& os, const Message& m);

inline constexpr std::string_view kDuplicateIdHeader = "_AMQ_DUPL_ID";

// STOMP mapping. `destination_header` is the STOMP destination, `routing` "ANYCAST"/"MULTICAST"
// or empty.
stomp::Frame to_send_frame(const Message& m, const std::string& destination_header,
                           const std::string& routing);
Message from_message_frame(const stomp::Frame& f);

}  // namespace artemis::client
