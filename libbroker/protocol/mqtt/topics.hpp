#pragma once
// MQTT topic names and filters <-> the broker's addresses (reference §8.2): `/` is the word
// delimiter `.`, `+` is `*`, `#` stays `#`. So `sport/tennis/+` subscribes to `sport.tennis.*`
// and receives what a STOMP or AMQP client sends to `sport.tennis.x`; a message sent to
// `a.b` by another protocol reaches an MQTT subscriber as topic `a/b`. What is literal in MQTT
// but special to the broker (`.`, `*`, and `\` itself) is escaped with `\`: topic `v1.2/x` is
// address `v1\.2.x`, and back.
#include <optional>
#include <string>
#include <string_view>

namespace artemis::protocol::mqtt {

std::string address_of_topic(std::string_view topic);
std::string topic_of_address(std::string_view address);

// A topic filter's syntax: `#` only as the last level, `+` and `#` only as whole levels.
bool valid_filter(std::string_view filter);

// A shared subscription's filter, `$share/<group>/<filter>` (MQTT 5 §4.8.2; 3.x clients may
// use it too, as with Artemis). nullopt for one that is not well formed: an empty group, a
// group holding `+`, `#` or `/`, or no valid filter after it.
struct SharedFilter {
  std::string group;
  std::string filter;
};
bool is_shared(std::string_view filter);
std::optional<SharedFilter> parse_shared(std::string_view filter);

// The name a subscription to `filter` has among the core's subscription names: a shared one is
// `<group>.<address>` and global (its queue is named so, for every member); any other is
// `<address>`, which the core puts after the client id (`<client-id>.<address>`).
struct SubscriptionName {
  std::string name;
  bool global = false;
};
SubscriptionName subscription_name(std::string_view filter);

// Whether topic name `topic` matches topic filter `filter` (MQTT 4.7): a filter starting with
// a wildcard does not match a topic starting with `$`.
bool filter_matches(std::string_view filter, std::string_view topic);

}  // namespace artemis::protocol::mqtt
