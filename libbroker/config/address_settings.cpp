// <address-settings>/<address-setting match="...">: one table row per element. Only elements
// present in the file are set (std::optional); merging blocks by match specificity is core's job
// (core/address_settings.hpp), so this layer keeps each block as written.
#include <fmt/core.h>

#include <array>

#include "config/parse_context.hpp"

namespace artemis::config {
namespace {

using P = ParseContext;
using N = pugi::xml_node;
using A = AddressSetting;
struct SettingOption {
  std::string_view element;
  void (*read)(P&, N, A&);
};

std::optional<RoutingType> routing(P& p, N n) {
  return p.choice<RoutingType>(n, {{"ANYCAST", RoutingType::anycast},
                                   {"MULTICAST", RoutingType::multicast}});
}

const std::array kSettings{
    SettingOption{"dead-letter-address",
                  [](P& p, N n, A& a) { set(a.dead_letter_address, p.text(n)); }},
    SettingOption{"expiry-address", [](P& p, N n, A& a) { set(a.expiry_address, p.text(n)); }},
    SettingOption{"expiry-delay",
                  [](P& p, N n, A& a) { set(a.expiry_delay, p.integer(n, minus_one_or_more)); }},
    SettingOption{"redelivery-delay",
                  [](P& p, N n, A& a) { set(a.redelivery_delay, p.integer(n, non_negative)); }},
    SettingOption{"redelivery-delay-multiplier",
                  [](P& p, N n, A& a) { set(a.redelivery_delay_multiplier, p.decimal(n, 1.0)); }},
    SettingOption{"max-redelivery-delay",
                  [](P& p, N n, A& a) { set(a.max_redelivery_delay, p.integer(n, non_negative)); }},
    SettingOption{"max-delivery-attempts",
                  [](P& p, N n, A& a) {
                    set(a.max_delivery_attempts,
                        p.int32(n, {1, std::numeric_limits<std::int32_t>::max(), true}));
                  }},
    SettingOption{
        "max-size-bytes",
        [](P& p, N n, A& a) { set(a.max_size_bytes, p.byte_size(n, minus_one_or_more)); }},
    SettingOption{
        "max-size-messages",
        [](P& p, N n, A& a) { set(a.max_size_messages, p.integer(n, minus_one_or_more)); }},
    SettingOption{"page-size-bytes",
                  [](P& p, N n, A& a) { set(a.page_size_bytes, p.byte_size(n, positive)); }},
    SettingOption{"address-full-policy",
                  [](P& p, N n, A& a) {
                    set(a.address_full_policy,
                        p.choice<AddressFullPolicy>(n, {{"PAGE", AddressFullPolicy::page},
                                                        {"BLOCK", AddressFullPolicy::block},
                                                        {"FAIL", AddressFullPolicy::fail},
                                                        {"DROP", AddressFullPolicy::drop}}));
                  }},
    SettingOption{"message-counter-history-day-limit",
                  [](P& p, N n, A& a) {
                    set(a.message_counter_history_day_limit, p.int32(n, non_negative));
                  }},
    SettingOption{"auto-create-queues",
                  [](P& p, N n, A& a) { set(a.auto_create_queues, p.boolean(n)); }},
    SettingOption{"auto-create-addresses",
                  [](P& p, N n, A& a) { set(a.auto_create_addresses, p.boolean(n)); }},
    SettingOption{"auto-delete-queues",
                  [](P& p, N n, A& a) { set(a.auto_delete_queues, p.boolean(n)); }},
    SettingOption{"auto-delete-addresses",
                  [](P& p, N n, A& a) { set(a.auto_delete_addresses, p.boolean(n)); }},
    SettingOption{
        "auto-delete-queues-delay",
        [](P& p, N n, A& a) { set(a.auto_delete_queues_delay, p.integer(n, non_negative)); }},
    SettingOption{"auto-delete-queues-message-count",
                  [](P& p, N n, A& a) {
                    set(a.auto_delete_queues_message_count, p.integer(n, minus_one_or_more));
                  }},
    SettingOption{
        "auto-delete-queues-skip-usage-check",
        [](P& p, N n, A& a) { set(a.auto_delete_queues_skip_usage_check, p.boolean(n)); }},
    SettingOption{
        "auto-delete-addresses-delay",
        [](P& p, N n, A& a) { set(a.auto_delete_addresses_delay, p.integer(n, non_negative)); }},
    SettingOption{
        "auto-delete-addresses-skip-usage-check",
        [](P& p, N n, A& a) { set(a.auto_delete_addresses_skip_usage_check, p.boolean(n)); }},
    SettingOption{"auto-create-dead-letter-resources",
                  [](P& p, N n, A& a) { set(a.auto_create_dead_letter_resources, p.boolean(n)); }},
    SettingOption{"auto-create-expiry-resources",
                  [](P& p, N n, A& a) { set(a.auto_create_expiry_resources, p.boolean(n)); }},
    SettingOption{"default-address-routing-type",
                  [](P& p, N n, A& a) { set(a.default_address_routing_type, routing(p, n)); }},
    SettingOption{"default-queue-routing-type",
                  [](P& p, N n, A& a) { set(a.default_queue_routing_type, routing(p, n)); }},
    SettingOption{"send-to-dla-on-no-route",
                  [](P& p, N n, A& a) { set(a.send_to_dla_on_no_route, p.boolean(n)); }},
    SettingOption{"default-consumer-window-size",
                  [](P& p, N n, A& a) {
                    set(a.default_consumer_window_size, p.byte_size(n, minus_one_or_more));
                  }},
    SettingOption{"id-cache-size",
                  [](P& p, N n, A& a) { set(a.id_cache_size, p.int32(n, non_negative)); }},
    SettingOption{
        "max-read-page-bytes",
        [](P& p, N n, A& a) { set(a.max_read_page_bytes, p.byte_size(n, minus_one_or_more)); }},
    SettingOption{
        "max-read-page-messages",
        [](P& p, N n, A& a) { set(a.max_read_page_messages, p.integer(n, minus_one_or_more)); }},
    SettingOption{
        "page-limit-bytes",
        [](P& p, N n, A& a) { set(a.page_limit_bytes, p.byte_size(n, minus_one_or_more)); }},
    SettingOption{
        "page-limit-messages",
        [](P& p, N n, A& a) { set(a.page_limit_messages, p.integer(n, minus_one_or_more)); }},
    SettingOption{"page-full-policy",
                  [](P& p, N n, A& a) {
                    set(a.page_full_policy,
                        p.choice<PageFullPolicy>(
                            n, {{"DROP", PageFullPolicy::drop}, {"FAIL", PageFullPolicy::fail}}));
                  }},
};

}  // namespace

void parse_address_settings(ParseContext& p, pugi::xml_node list, BrokerConfig& c) {
  for (auto n : list.children()) {
    if (n.type() != pugi::node_element) continue;
    if (local_name(n) != "address-setting") {
      p.unknown_child(n, list, {"address-setting"});
      continue;
    }
    AddressSetting a;
    a.line = p.line_of(n);
    const auto match = p.required_attribute(n, "match", "<address-setting match=\"#\">");
    if (!match) continue;
    a.match = *match;
    for (auto child : n.children()) {
      if (child.type() != pugi::node_element) continue;
      bool known = false;
      for (const auto& o : kSettings) {
        if (o.element == local_name(child)) {
          o.read(p, child, a);
          known = true;
          break;
        }
      }
      if (!known) {
        std::vector<std::string_view> names;
        for (const auto& o : kSettings) names.push_back(o.element);
        p.unknown_child(child, n, names);
      }
    }
    c.address_settings.push_back(std::move(a));
  }
}

}  // namespace artemis::config
