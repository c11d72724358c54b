#include "protocol/mqtt/topic_aliases.hpp"

namespace artemis::protocol::mqtt {

InboundAliases::Result InboundAliases::resolve(std::string& topic, std::uint16_t alias) {
  if (alias == 0 || alias > maximum_) return Result::invalid;
  const std::size_t index = alias - 1u;
  if (topic.empty()) {
    if (index >= topics_.size() || topics_[index].empty()) return Result::unknown;
    topic = topics_[index];
    return Result::ok;
  }
  if (index >= topics_.size()) topics_.resize(index + 1);
  auto& kept = topics_[index];
  if (bytes_ - kept.size() + topic.size() > kMaxTopicBytes) return Result::over_quota;
  bytes_ = bytes_ - kept.size() + topic.size();
  kept = topic;
  return Result::ok;
}

OutboundAliases::Choice OutboundAliases::choose(const std::string& topic) const {
  if (maximum_ == 0 || topic.empty()) return {};
  if (auto it = aliases_.find(topic); it != aliases_.end()) return {it->second, false};
  if (aliases_.size() >= maximum_ || bytes_ + topic.size() > kMaxTopicBytes) return {};
  return {static_cast<std::uint16_t>(aliases_.size() + 1), true};
}

void OutboundAliases::commit(const std::string& topic, const Choice& choice) {
  if (choice.alias == 0 || !choice.with_topic) return;
  if (aliases_.emplace(topic, choice.alias).second) bytes_ += topic.size();
}

}  // namespace artemis::protocol::mqtt
