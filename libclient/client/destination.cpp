#include "client/destination.hpp"

namespace artemis::client {

Destination Destination::parse(std::string_view text) {
  Destination d;
  constexpr std::string_view topic_prefix = "topic://";
  if (text.substr(0, topic_prefix.size()) == topic_prefix) {
    d.kind = DestinationKind::topic;
    d.name = std::string(text.substr(topic_prefix.size()));
    return d;
  }
  if (const auto sep = text.find("://"); sep != std::string_view::npos) text.remove_prefix(sep + 3);
  d.name = std::string(text);
  return d;
}

std::string Destination::routing() const {
  if (is_fqqn()) return {};
  return kind == DestinationKind::topic ? "MULTICAST" : "ANYCAST";
}

std::string Destination::to_string() const {
  return (kind == DestinationKind::topic ? "ActiveMQTopic[" : "ActiveMQQueue[") + name + "]";
}

std::ostream& operator<<(std::ostream& os, const Destination& d) { return os << d.to_string(); }

}  // namespace artemis::client
