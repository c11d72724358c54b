#include "core/address_settings.hpp"

#include <doctest/doctest.h>

using artemis::config::AddressFullPolicy;
using artemis::config::AddressSetting;
using artemis::config::RoutingType;
using artemis::core::AddressSettingsRepository;

namespace {

// The two blocks `artemis create` writes (defaults: PAGE, auto-create true, auto-delete false).
std::vector<AddressSetting> created_instance() {
  AddressSetting management;
  management.match = "activemq.management.#";
  management.dead_letter_address = "DLQ";
  management.expiry_address = "ExpiryQueue";
  management.redelivery_delay = 0;
  management.max_size_bytes = -1;
  management.message_counter_history_day_limit = 10;
  management.address_full_policy = AddressFullPolicy::page;
  management.auto_create_queues = true;
  management.auto_create_addresses = true;

  AddressSetting all;
  all.match = "#";
  all.dead_letter_address = "DLQ";
  all.expiry_address = "ExpiryQueue";
  all.redelivery_delay = 0;
  all.message_counter_history_day_limit = 10;
  all.address_full_policy = AddressFullPolicy::page;
  all.auto_create_queues = true;
  all.auto_create_addresses = true;
  all.auto_delete_queues = false;
  all.auto_delete_addresses = false;
  all.page_size_bytes = 10 * 1024 * 1024;
  all.max_size_bytes = -1;
  all.max_size_messages = -1;
  all.max_read_page_messages = -1;
  all.max_read_page_bytes = 20 * 1024 * 1024;
  return {management, all};
}

}  // namespace

TEST_CASE("core: address settings with no blocks are Artemis's built-in defaults") {
  AddressSettingsRepository repo({}, {});
  const auto& s = repo.resolve("orders");
  CHECK(s.max_delivery_attempts == 10);
  CHECK(s.redelivery_delay == 0);
  CHECK(s.redelivery_delay_multiplier == doctest::Approx(1.0));
  CHECK(s.max_redelivery_delay == 0);
  CHECK(s.auto_create_queues);
  CHECK(s.auto_create_addresses);
  CHECK(s.auto_delete_queues);
  CHECK(s.auto_delete_addresses);
  CHECK(s.default_address_routing_type == RoutingType::multicast);
  CHECK(s.default_queue_routing_type == RoutingType::multicast);
  CHECK(s.address_full_policy == AddressFullPolicy::page);
  CHECK(s.max_size_bytes == -1);
  CHECK(s.expiry_delay == -1);
  CHECK(s.id_cache_size == 20000);
  CHECK_FALSE(s.dead_letter_address);
  CHECK_FALSE(s.expiry_address);
  CHECK(s.default_consumer_window_size == 1024 * 1024);
  CHECK(s.page_size_bytes == 10 * 1024 * 1024);
  CHECK(s.matched.empty());
  CHECK(&s == &repo.defaults());
}

TEST_CASE("core: address settings of a created instance, plus a specific block") {
  auto blocks = created_instance();
  AddressSetting orders;
  orders.match = "orders.#";
  orders.max_delivery_attempts = 3;
  orders.redelivery_delay = 500;
  orders.dead_letter_address = "orders.DLQ";
  AddressSetting eu;
  eu.match = "orders.eu";
  eu.redelivery_delay = 2000;
  eu.expiry_address = "";  // explicitly unset
  eu.id_cache_size = 50;
  blocks.push_back(eu);
  blocks.insert(blocks.begin(), orders);  // order in broker.xml does not matter
  AddressSettingsRepository repo(blocks, {}, 3000);

  const auto& plain = repo.resolve("prices");
  CHECK(plain.dead_letter_address == "DLQ");
  CHECK(plain.expiry_address == "ExpiryQueue");
  CHECK_FALSE(plain.auto_delete_queues);  // written false by create
  CHECK(plain.max_delivery_attempts == 10);
  CHECK(plain.message_counter_history_day_limit == 10);
  CHECK(plain.id_cache_size == 3000);  // inherits the global value
  CHECK(plain.matched == std::vector<std::string>{"#"});

  const auto& mgmt = repo.resolve("activemq.management.abc");
  CHECK(mgmt.matched == std::vector<std::string>{"activemq.management.#", "#"});
  CHECK_FALSE(mgmt.auto_delete_queues);  // falls through to '#'
  CHECK(mgmt.auto_create_queues);

  const auto& us = repo.resolve("orders.us");
  CHECK(us.matched == std::vector<std::string>{"orders.#", "#"});
  CHECK(us.max_delivery_attempts == 3);
  CHECK(us.redelivery_delay == 500);
  CHECK(us.max_redelivery_delay == 5000);  // delay x 10 when not set
  CHECK(us.dead_letter_address == "orders.DLQ");
  CHECK(us.expiry_address == "ExpiryQueue");

  const auto& e = repo.resolve("orders.eu");
  CHECK(e.matched == std::vector<std::string>{"orders.eu", "orders.#", "#"});
  CHECK(e.redelivery_delay == 2000);
  CHECK(e.max_redelivery_delay == 20000);
  CHECK(e.max_delivery_attempts == 3);  // from orders.#
  CHECK(e.dead_letter_address == "orders.DLQ");
  CHECK_FALSE(e.expiry_address);        // the empty element wins over '#'
  CHECK(e.id_cache_size == 50);
  CHECK_FALSE(e.auto_delete_addresses);  // from '#'

  // Cached and shared: same object for the same address and for addresses matching the same
  // blocks.
  CHECK(&repo.resolve("orders.eu") == &e);
  CHECK(&repo.resolve("orders.us") == &repo.resolve("orders.jp"));
  CHECK(&repo.resolve("orders.us") != &e);
}

TEST_CASE("core: address settings honour the configured wildcard syntax") {
  AddressSetting mqtt;
  mqtt.match = "sport/+";
  mqtt.max_delivery_attempts = 1;
  AddressSettingsRepository repo({mqtt}, {'/', '#', '+'});
  CHECK(repo.resolve("sport/tennis").max_delivery_attempts == 1);
  CHECK(repo.resolve("sport/tennis/x").max_delivery_attempts == 10);
}

TEST_CASE("core: address settings stay valid after the address cache is cleared") {
  AddressSetting all;
  all.match = "#";
  all.max_delivery_attempts = 7;
  AddressSettingsRepository repo({all}, {});
  const auto& first = repo.resolve("a0");
  for (int i = 1; i < 25'000; ++i) repo.resolve("a" + std::to_string(i));
  CHECK(first.max_delivery_attempts == 7);
  CHECK(&repo.resolve("a0") == &first);
}
