#pragma once
// MQTT 5 topic aliases (§3.3.2.3.4), one table each way per connection.
//   InboundAliases   the client's: it may send up to the Topic Alias Maximum we announced
//                    (acceptor parameter topicAliasMaximum, Artemis's default 65535); a PUBLISH
//                    with a topic and an alias sets it, one with an alias alone uses it.
//   OutboundAliases  ours: up to the Topic Alias Maximum the client announced (0: none), a
//                    topic gets the next free alias the first time it is sent and is sent as
//                    the alias alone after that.
// Both bound the bytes of topic names they keep, since 65,535 aliases of topics up to 64 KiB
// each would otherwise let one client hold gigabytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace artemis::protocol::mqtt {

class InboundAliases {
 public:
  static constexpr std::size_t kMaxTopicBytes = 1u << 20;

  explicit InboundAliases(std::uint16_t maximum = 0) : maximum_(maximum) {}
  std::uint16_t maximum() const { return maximum_; }

  enum class Result {
    ok,          // `topic` is the PUBLISH's topic now
    invalid,     // 0 or over the maximum: Topic Alias invalid (0x94)
    unknown,     // an alias alone that was never set: Protocol Error (0x82)
    over_quota,  // the topics kept would pass kMaxTopicBytes: Quota exceeded (0x97)
  };
  // A PUBLISH's topic name (maybe empty) and its alias.
  Result resolve(std::string& topic, std::uint16_t alias);

 private:
  std::uint16_t maximum_;
  std::vector<std::string> topics_;  // index alias - 1, grown as aliases are set
  std::size_t bytes_ = 0;
};

class OutboundAliases {
 public:
  static constexpr std::size_t kMaxTopicBytes = 1u << 20;

  explicit OutboundAliases(std::uint16_t client_maximum = 0) : maximum_(client_maximum) {}

  struct Choice {
    std::uint16_t alias = 0;  // 0: send the topic without an alias
    bool with_topic = true;   // false: the alias alone
  };
  // How to send `topic`. Nothing is kept until commit(), so a packet that is not sent after
  // all (over the client's Maximum Packet Size) does not leave the client an alias it never saw.
  Choice choose(const std::string& topic) const;
  void commit(const std::string& topic, const Choice& choice);

 private:
  std::uint16_t maximum_;
  std::unordered_map<std::string, std::uint16_t> aliases_;
  std::size_t bytes_ = 0;
};

}  // namespace artemis::protocol::mqtt
