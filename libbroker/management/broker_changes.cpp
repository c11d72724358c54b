// The `broker` resource's operations that change addresses and queues.
#include <fmt/core.h>

#include <chrono>

#include "core/errors.hpp"
#include "management/resources.hpp"
#include "management/views.hpp"

namespace artemis::management {
namespace {

using nlohmann::json;

core::RoutingType routing_type_of(const std::string& text) {
  std::string upper = text;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (upper == "ANYCAST") return core::RoutingType::anycast;
  if (upper == "MULTICAST") return core::RoutingType::multicast;
  throw OperationError(fmt::format("No routing type {} (ANYCAST or MULTICAST)", text));
}

struct QueueRequest {
  core::QueueDefinition def;
  bool auto_create_address = false;
  bool ignore_if_exists = false;
};

json create(ManagementContext& ctx, QueueRequest r) {
  auto& po = ctx.post_office;
  if (r.def.name.empty()) throw OperationError("the queue needs a name");
  if (r.def.address.empty()) r.def.address = r.def.name;
  if (auto* existing = po.find_queue(r.def.name)) {
    if (r.ignore_if_exists) return queue_text(*existing);
    throw OperationError(fmt::format("AMQ229019: Queue {} already exists on address {}", r.def.name,
                                     existing->address()));
  }
  core::Address* a = po.find_address(r.def.address);
  if (a == nullptr && !r.auto_create_address)
    throw OperationError(fmt::format("AMQ229203: Address Does Not Exist: {}", r.def.address));
  if (a != nullptr && !a->supports(r.def.routing_type))
    throw OperationError(fmt::format(
        "AMQ229207: Can not create queue with routing type: {}, Supported routing types for "
        "address: {} are {}",
        config::to_string(r.def.routing_type), a->name, a->routing_types_text()));
  if (a == nullptr) {
    if (auto ec = po.create_address(r.def.address, r.def.routing_type, false))
      throw OperationError(ec.message());
  }
  core::Queue* q = nullptr;
  if (auto ec = po.create_queue(std::move(r.def), &q)) throw OperationError(ec.message());
  return queue_text(*q);
}

// createQueue(address, routingType, name, filter, durable, maxConsumers, purgeOnNoConsumers,
// autoCreateAddress), the older (address, name[, routingType | durable]) forms and the JSON
// configuration form (createQueue(json[, ignoreIfExists])).
json create_queue(const Call& c) {
  const auto& a = c.args;
  QueueRequest r;
  r.def.durable = true;
  if (a.size() <= 2 && a.text(0).starts_with("{")) {
    const auto j = json::parse(a.text(0), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("name"))
      throw OperationError(
          fmt::format("AMQ229229: Failed to parse JSON queue configuration: {}", a.text(0)));
    auto text = [&](const char* key, std::string fallback) {
      if (!j.contains(key) || j[key].is_null()) return fallback;
      return j[key].is_string() ? j[key].get<std::string>() : json_text(j[key]);
    };
    r.def.name = text("name", "");
    r.def.address = text("address", r.def.name);
    r.def.routing_type = routing_type_of(text("routing-type", "MULTICAST"));
    r.def.filter = parse_filter(text("filter-string", ""));
    r.def.durable = text("durable", "true") == "true";
    r.def.max_consumers = std::stoi(text("max-consumers", "-1"));
    r.def.purge_on_no_consumers = text("purge-on-no-consumers", "false") == "true";
    r.def.user = text("user", "");
    r.auto_create_address = text("auto-create-address", "false") == "true";
    r.ignore_if_exists = a.boolean_or(1, false);
  } else if (a.size() == 8) {
    r.def.address = a.text(0);
    r.def.routing_type = routing_type_of(a.text(1));
    r.def.name = a.text(2);
    r.def.filter = parse_filter(a.text_or(3, ""));
    r.def.durable = a.boolean(4);
    r.def.max_consumers = static_cast<int>(a.integer_or(5, -1));
    r.def.purge_on_no_consumers = a.boolean_or(6, false);
    r.auto_create_address = a.boolean_or(7, false);
  } else if (a.size() == 2 || a.size() == 3) {
    r.def.address = a.text(0);
    r.def.name = a.text(1);
    r.def.routing_type = core::RoutingType::multicast;
    if (a.size() == 3) {
      if (a.raw(2).is_boolean())
        r.def.durable = a.boolean(2);
      else
        r.def.routing_type = routing_type_of(a.text(2));
    }
  } else {
    throw no_operation("createQueue", a);
  }
  return create(c.ctx, std::move(r));
}

// updateQueue(name, routingType, maxConsumers, purgeOnNoConsumers[, exclusive[, user]]): null
// leaves a value as it is. Only what this broker keeps per queue can change.
json update_queue(const Call& c) {
  const auto& a = c.args;
  if (a.size() < 4 || a.size() > 6) throw no_operation("updateQueue", a);
  auto& q = queue_of(c.ctx, a.text(0));
  if (a.has(1) && routing_type_of(a.text(1)) != q.routing_type())
    throw OperationError(fmt::format(
        "the routing type of queue {} cannot change (delete and create it again)", q.name()));
  if (a.has(2) || a.has(3) || a.has(5))
    c.ctx.post_office.update_queue(q.name(),
                                   a.has(2) ? std::optional<int>(a.integer(2)) : std::nullopt,
                                   a.has(3) ? std::optional<bool>(a.boolean(3)) : std::nullopt,
                                   a.has(5) ? std::optional<std::string>(a.text(5)) : std::nullopt);
  return queue_text(q);
}

constexpr auto kRemoveConsumersWait = std::chrono::seconds(10);

json destroy_queue(const Call& c) {
  const auto& a = c.args;
  if (a.size() < 1 || a.size() > 3) throw no_operation("destroyQueue", a);
  auto& q = queue_of(c.ctx, a.text(0));
  const auto address = q.address();
  const bool auto_delete_address = a.boolean_or(2, false);
  auto& po = c.ctx.post_office;
  auto drop_address = [&po, address, auto_delete_address] {
    auto* addr = po.find_address(address);
    if (auto_delete_address && addr != nullptr && addr->auto_created && addr->queues.empty())
      po.delete_address(address);
  };
  if (q.consumer_count() > 0) {
    if (!a.boolean_or(1, false))
      throw OperationError(
          fmt::format("AMQ229025: Cannot delete queue {} on binding {} - it has consumers = {}",
                      q.name(), q.name(), q.consumer_count()));
    // removeConsumers: their connections are closed; the queue goes once their sessions have.
    po.delete_queue_closing_consumers(
        q.name(), kRemoveConsumersWait,
        [&log = c.ctx.log, name = q.name(), drop_address](std::error_code ec) {
          if (!ec) return drop_address();
          log.plain(util::Level::warn, "org.apache.activemq.artemis.core.server",
                    "destroyQueue {}: the queue stays: {}", name, ec.message());
        });
    return nullptr;
  }
  if (auto ec = po.delete_queue(q.name())) throw OperationError(ec.message());
  drop_address();
  return nullptr;
}

std::pair<bool, bool> routing_types_of(const std::string& list) {
  bool anycast = false, multicast = false;
  std::size_t at = 0;
  while (at <= list.size()) {
    auto end = list.find(',', at);
    if (end == std::string::npos) end = list.size();
    auto item = list.substr(at, end - at);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty())
      (routing_type_of(item) == core::RoutingType::anycast ? anycast : multicast) = true;
    at = end + 1;
  }
  if (!anycast && !multicast) throw OperationError("no routing type given (ANYCAST, MULTICAST)");
  return {anycast, multicast};
}

json create_address(const Call& c) {
  if (c.args.size() != 2) throw no_operation("createAddress", c.args);
  const auto name = c.args.text(0);
  auto& po = c.ctx.post_office;
  if (po.find_address(name) != nullptr)
    throw OperationError(fmt::format("AMQ229204: Address already exists: {}", name));
  const auto [anycast, multicast] = routing_types_of(c.args.text(1));
  if (anycast)
    if (auto ec = po.create_address(name, core::RoutingType::anycast, false))
      throw OperationError(ec.message());
  if (multicast)
    if (auto ec = po.create_address(name, core::RoutingType::multicast, false))
      throw OperationError(ec.message());
  return address_text(address_of(c.ctx, name));
}

json update_address(const Call& c) {
  if (c.args.size() != 2) throw no_operation("updateAddress", c.args);
  auto& a = address_of(c.ctx, c.args.text(0));
  if (c.args.has(1)) {
    const auto [anycast, multicast] = routing_types_of(c.args.text(1));
    if (auto ec = c.ctx.post_office.set_routing_types(a.name, anycast, multicast))
      throw OperationError(fmt::format(
          "AMQ229209: Can't remove routing type {}, queues exists for address: {}. Please "
          "delete queues before removing this routing type.",
          anycast ? "MULTICAST" : "ANYCAST", a.name));
  }
  return address_text(a);
}

json delete_address(const Call& c) {
  if (c.args.size() < 1 || c.args.size() > 2) throw no_operation("deleteAddress", c.args);
  auto& a = address_of(c.ctx, c.args.text(0));
  auto& po = c.ctx.post_office;
  if (!a.queues.empty()) {
    if (!c.args.boolean_or(1, false))
      throw OperationError(fmt::format("AMQ229205: Address {} has bindings", a.name));
    for (const auto& name : std::vector<std::string>(a.queues))
      if (auto* q = po.find_queue(name); q != nullptr && q->consumer_count() > 0)
        throw OperationError(
            fmt::format("AMQ229025: Cannot delete queue {} on binding {} - it has consumers = {}",
                        name, name, q->consumer_count()));
    for (const auto& name : std::vector<std::string>(a.queues)) po.delete_queue(name);
  }
  if (auto ec = po.delete_address(a.name)) throw OperationError(ec.message());
  return nullptr;
}

}  // namespace

void add_broker_changes(OperationTable& t) {
  t["createQueue"] = {create_queue, 601065, "creating a queue", true};
  t["updateQueue"] = {update_queue, 601066, "updating a queue", true};
  t["destroyQueue"] = {destroy_queue, 601072, "deleting a queue", true};
  t["createAddress"] = {create_address, 601061, "creating an address", true};
  t["updateAddress"] = {update_address, 601062, "updating an address", true};
  t["deleteAddress"] = {delete_address, 601063, "deleting an address", true};
}

}  // namespace artemis::management
