#include "protocol/mqtt/topics.hpp"

#include <vector>

namespace artemis::protocol::mqtt {

std::string address_of_topic(std::string_view topic) {
  std::string out;
  out.reserve(topic.size());
  for (const char c : topic) {
    if (c == '/')
      out += '.';
    else if (c == '+')
      out += '*';
    else if (c == '.' || c == '*' || c == '\\')
      (out += '\\') += c;  // literal in MQTT, special to the broker: escaped
    else
      out += c;
  }
  return out;
}

std::string topic_of_address(std::string_view address) {
  std::string out;
  out.reserve(address.size());
  for (std::size_t i = 0; i < address.size(); ++i) {
    const char c = address[i];
    if (c == '\\' && i + 1 < address.size())
      out += address[++i];
    else if (c == '.')
      out += '/';
    else if (c == '*')
      out += '+';
    else
      out += c;
  }
  return out;
}

namespace {

std::vector<std::string_view> levels(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const auto slash = s.find('/', start);
    out.push_back(
        s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

}  // namespace

bool valid_filter(std::string_view filter) {
  if (filter.empty()) return false;
  const auto parts = levels(filter);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto level = parts[i];
    if (level.find_first_of("+#") == std::string_view::npos) continue;
    if (level.size() != 1) return false;
    if (level == "#" && i + 1 != parts.size()) return false;
  }
  return true;
}

bool is_shared(std::string_view filter) {
  return filter.starts_with("$share/");
}

std::optional<SharedFilter> parse_shared(std::string_view filter) {
  if (!is_shared(filter)) return std::nullopt;
  filter.remove_prefix(7);
  const auto slash = filter.find('/');
  if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
  const auto group = filter.substr(0, slash);
  const auto rest = filter.substr(slash + 1);
  if (group.find_first_of("+#") != std::string_view::npos || !valid_filter(rest))
    return std::nullopt;
  return SharedFilter{std::string(group), std::string(rest)};
}

SubscriptionName subscription_name(std::string_view filter) {
  if (const auto s = parse_shared(filter))
    return {s->group + "." + address_of_topic(s->filter), true};
  return {address_of_topic(filter), false};
}

bool filter_matches(std::string_view filter, std::string_view topic) {
  if (!topic.empty() && topic[0] == '$' && !filter.empty() &&
      (filter[0] == '+' || filter[0] == '#'))
    return false;
  const auto f = levels(filter);
  const auto t = levels(topic);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "#") return true;  // also the parent level: `a/#` matches `a`
    if (i >= t.size()) return false;
    if (f[i] != "+" && f[i] != t[i]) return false;
  }
  return f.size() == t.size();
}

}  // namespace artemis::protocol::mqtt
