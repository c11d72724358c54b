#pragma once
// Destinations as the CLI writes them (cli.md §4.3): `topic://X` is a topic (multicast);
// anything else is a queue, with everything up to and including the first "://" stripped
// (`queue://X`, `foo://X` and `X` all mean queue X). An FQQN `address::queue` passes through.
#include <ostream>
#include <string>
#include <string_view>

namespace artemis::client {

enum class DestinationKind { queue, topic };

struct Destination {
  DestinationKind kind = DestinationKind::queue;
  std::string name;

  static Destination parse(std::string_view text);
  // STOMP routing hint: ANYCAST for queues, MULTICAST for topics (headers destination-type on
  // SEND, subscription-type on SUBSCRIBE). An FQQN names its queue exactly: no hint.
  std::string routing() const;
  bool is_fqqn() const { return name.find("::") != std::string::npos; }
  // The JMS-style string used in thread names: ActiveMQQueue[TEST] / ActiveMQTopic[news].
  std::string to_string() const;
};
std::ostream& operator<<(std::ostream& os, const Destination& d);

}  // namespace artemis::client
