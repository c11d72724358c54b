#include "protocol/mqtt/message_mapping.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <vector>

#include "core/management_handler.hpp"
#include "protocol/mqtt/topics.hpp"

namespace artemis::protocol::mqtt {

namespace {

constexpr std::string_view kQos = "mqtt.qos.level";
constexpr std::string_view kPayloadFormat = "mqtt.payload.format.indicator";
constexpr std::string_view kResponseTopic = "mqtt.response.topic";
constexpr std::string_view kCorrelationData = "mqtt.correlation.data";
constexpr std::string_view kContentType = "mqtt.content.type";
constexpr std::string_view kUserProperty = "mqtt.ordered.user.property.";
constexpr std::string_view kMqttPrefix = "mqtt.";
constexpr std::string_view kBrokerPrefix = "_AMQ_";
constexpr std::string_view kCorrelationId = "correlation-id";

// A property of another protocol's message an MQTT 5 subscriber gets as a user property: not
// the broker's own, not one mapped to a PUBLISH field.
bool user_visible(std::string_view key) {
  return !core::props::is_internal(key) && !key.starts_with(kMqttPrefix) && key != core::kReplyTo &&
         key != kCorrelationId;
}

}  // namespace

core::MessagePtr message_from_publish(const artemis::mqtt::Publish& p, std::int64_t now_ms) {
  auto m = core::make_message();
  auto& r = m->record;
  r.body = p.payload;
  r.type = store::BodyType::bytes;
  r.durable = p.qos > 0;
  r.timestamp = now_ms;
  r.properties.set(kQos, static_cast<std::int32_t>(p.qos));
  const auto& props = p.properties;
  if (props.message_expiry_interval)
    r.expiration = now_ms + static_cast<std::int64_t>(*props.message_expiry_interval) * 1000;
  if (props.payload_format_indicator)
    r.properties.set(kPayloadFormat, static_cast<std::int32_t>(*props.payload_format_indicator));
  if (props.response_topic) {
    r.properties.set_text(kResponseTopic, *props.response_topic);
    // Also as the reply address every protocol reads (a management request's reply goes there).
    r.properties.set_text(core::kReplyTo, address_of_topic(*props.response_topic));
  }
  // Under the name AMQP's correlation-id has, so a reply (management's, or an AMQP
  // responder's) carries it back.
  if (props.correlation_data)
    r.properties.set(kCorrelationId, store::Binary{*props.correlation_data});
  if (props.content_type) r.properties.set_text(kContentType, *props.content_type);
  for (std::size_t i = 0; i < props.user_properties.size(); ++i) {
    const auto& [key, value] = props.user_properties[i];
    r.properties.set_text(fmt::format("{}{}.{}", kUserProperty, i, key), value);
    // The broker's own headers (a management request's _AMQ_ResourceName, …) by their name.
    if (key.starts_with(kBrokerPrefix)) r.properties.set_text(key, value);
  }
  return m;
}

std::uint8_t published_qos(const core::Message& m) {
  if (const auto v = m.record.properties.find(kQos))
    if (const auto q = v->as_integer(); q && *q >= 0 && *q <= 2)
      return static_cast<std::uint8_t>(*q);
  return 2;
}

void publish_from_message(const core::Message& m, bool v5, std::int64_t now_ms,
                          artemis::mqtt::Publish& out, bool with_payload) {
  const auto& r = m.record;
  out.topic = topic_of_address(r.address);
  // A large message's file that cannot be read leaves the payload empty.
  if (with_payload && core::whole_body(m, out.payload)) out.payload.clear();
  if (!v5) return;
  auto& props = out.properties;
  if (r.expiration != 0)
    props.message_expiry_interval =
        static_cast<std::uint32_t>(std::max<std::int64_t>(1, (r.expiration - now_ms + 999) / 1000));
  // User properties come back in the order they were sent: by their number; the other
  // protocols' properties after them.
  std::map<std::size_t, std::pair<std::string, std::string>> user;
  std::vector<std::pair<std::string, std::string>> others;
  std::optional<std::string> reply_to;
  for (const auto& [key, value] : r.properties) {
    if (key == core::kReplyTo) {
      if (const auto t = value.text()) reply_to = std::string(*t);
      continue;
    }
    if (key == kCorrelationId || key == kCorrelationData) {
      if (const auto b = value.binary())
        props.correlation_data = std::string(*b);
      else if (const auto t = value.text())
        props.correlation_data = std::string(*t);
      else if (!value.is_null())
        props.correlation_data = value.as_string();
      continue;
    }
    if (user_visible(key)) {
      others.emplace_back(std::string(key), value.as_string());
      continue;
    }
    if (key == kPayloadFormat) {
      if (const auto v = value.as_integer(); v && (*v == 0 || *v == 1))
        props.payload_format_indicator = static_cast<std::uint8_t>(*v);
    } else if (key == kResponseTopic) {
      if (const auto t = value.text()) props.response_topic = std::string(*t);
    } else if (key == kContentType) {
      if (const auto t = value.text()) props.content_type = std::string(*t);
    } else if (key.starts_with(kUserProperty)) {
      const auto rest = key.substr(kUserProperty.size());
      std::size_t n = 0;
      const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
      if (ec != std::errc() || end == rest.data() + rest.size() || *end != '.') continue;
      const auto name = rest.substr(static_cast<std::size_t>(end - rest.data()) + 1);
      if (const auto t = value.text()) user[n] = {std::string(name), std::string(*t)};
    }
  }
  if (!props.response_topic && reply_to) props.response_topic = topic_of_address(*reply_to);
  for (auto& [n, kv] : user) props.user_properties.push_back(std::move(kv));
  // An MQTT publisher's _AMQ_* user property is kept twice (see message_from_publish): once.
  const auto numbered = props.user_properties.size();
  for (auto& kv : others) {
    const auto first = props.user_properties.begin();
    const bool twice = kv.first.starts_with(kBrokerPrefix) &&
                       std::any_of(first, first + static_cast<std::ptrdiff_t>(numbered),
                                   [&](const auto& sent) { return sent.first == kv.first; });
    if (!twice) props.user_properties.push_back(std::move(kv));
  }
}

}  // namespace artemis::protocol::mqtt
