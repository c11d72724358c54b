// The `broker` resource (Artemis's ActiveMQServerControl): queues and addresses, node state.
#include <fmt/ranges.h>

#include "core/errors.hpp"
#include "management/management_service.hpp"
#include "management/resources.hpp"
#include "management/views.hpp"

namespace artemis::management {
namespace {

using nlohmann::json;

const std::vector<std::string> kQueueNumbers{"id",
                                             "consumerCount",
                                             "maxConsumers",
                                             "messagesAdded",
                                             "messageCount",
                                             "messagesAcked",
                                             "messagesExpired",
                                             "deliveringCount",
                                             "messagesKilled",
                                             "scheduledCount"};
const std::vector<std::string> kAddressNumbers{"id", "queueCount", "messageCount", "addressSize"};

json list_queues(const Call& c) {
  if (c.args.size() != 3) throw no_operation("listQueues", c.args);
  auto& po = c.ctx.post_office;
  std::vector<json> items;
  for (const core::Queue* q : po.queues())
    items.push_back(queue_view(*q, is_internal(c.ctx, q->address())));
  return json_text(list_view(std::move(items), c.args.text(0), c.args.integer(1), c.args.integer(2),
                             kQueueNumbers));
}

json list_addresses(const Call& c) {
  auto& po = c.ctx.post_office;
  if (c.args.size() == 1) {  // listAddresses(separator): the names, sorted ignoring case
    std::vector<std::string> names;
    for (const auto& [name, a] : po.addresses()) names.push_back(name);
    std::stable_sort(names.begin(), names.end(), [](const auto& a, const auto& b) {
      return std::lexicographical_compare(
          a.begin(), a.end(), b.begin(), b.end(),
          [](unsigned char x, unsigned char y) { return std::tolower(x) < std::tolower(y); });
    });
    return fmt::format("{}", fmt::join(names, c.args.text(0)));
  }
  if (c.args.size() != 3) throw no_operation("listAddresses", c.args);
  std::vector<json> items;
  for (const auto& [name, a] : po.addresses())
    items.push_back(address_view(a, message_count(po, a)));
  return json_text(list_view(std::move(items), c.args.text(0), c.args.integer(1), c.args.integer(2),
                             kAddressNumbers));
}

json address_names(const Call& c) {
  json names = json::array();
  for (const auto& [name, a] : c.ctx.post_office.addresses()) names.push_back(name);
  return names;
}

json broker_queue_names(const Call& c) {
  const auto only = c.args.text_or(0, "");
  json names = json::array();
  for (const core::Queue* q : c.ctx.post_office.queues()) {
    const auto rt = config::to_string(q->routing_type());
    if (only.empty() || only == rt) names.push_back(q->name());
  }
  return names;
}

json address_info(const Call& c) {
  return address_text(address_of(c.ctx, c.args.text(0)));
}

json bindings_for_address(const Call& c) {
  const auto& a = address_of(c.ctx, c.args.text(0));
  std::string out;
  for (const auto& q : a.queues) {
    const core::Queue* queue = c.ctx.post_office.find_queue(q);
    out += fmt::format("{}LocalQueueBinding [address={}, queue=QueueImpl[name={}, temp={}]]",
                       out.empty() ? "" : ",", a.name, q,
                       queue != nullptr && queue->definition().temporary);
  }
  return out;
}

json node_id(const Call& c) {
  return c.ctx.node().node_id;
}
json version(const Call&) {
  return ARTEMIS_VERSION;
}
json yes(const Call&) {
  return true;
}  // isStarted / isActive: only an active node answers
json backup(const Call& c) {
  return c.ctx.node().backup;
}
json broker_name(const Call& c) {
  return c.ctx.config.name;
}
json uptime_millis(const Call& c) {
  return c.ctx.node().uptime_ms;
}

json topology(const Call& c) {
  const auto n = c.ctx.node();
  json nodes = json::array();
  if (n.live_connector.empty()) return json_text(nodes);
  json self{{"nodeID", n.node_id}, {"live", n.live_connector}, {"primary", n.live_connector}};
  if (!n.backup_connector.empty()) self["backup"] = n.backup_connector;
  nodes.push_back(std::move(self));
  return json_text(nodes);
}

json max_disk_usage(const Call& c) {
  return c.ctx.config.max_disk_usage;
}
json disk_store_usage(const Call& c) {
  return c.ctx.node().disk_store_usage;
}
json memory_usage(const Call& c) {
  return c.ctx.post_office.global_size_bytes();
}
json memory_usage_percentage(const Call& c) {
  const auto max = c.ctx.node().global_max_size;
  if (max <= 0) return 0;
  return static_cast<int>(100 * c.ctx.post_office.global_size_bytes() / max);
}

}  // namespace

void add_broker_operations(OperationTable& t) {
  t["listQueues"] = {list_queues, 601110, "listing queues", false};
  t["listAddresses"] = {list_addresses, 601075, "listing addresses", false};
  t["getAddressNames"] = {address_names, 601071, "getting address names", false};
  t["getQueueNames"] = {broker_queue_names, 601002, "getting queue names", false};
  t["getAddressInfo"] = {address_info, 601073, "getting address info", false};
  t["listBindingsForAddress"] = {bindings_for_address, 601074, "listing bindings for address",
                                 false};
  t["getNodeID"] = {node_id, 601143, "getting node ID", false};
  t["getVersion"] = {version, 601026, "getting version", false};
  t["getName"] = {broker_name, 601014, "getting name", false};
  t["isStarted"] = {yes, 601023, "querying isStarted", false};
  t["isActive"] = {yes, 0, "getting active property", false};
  t["isBackup"] = {backup, 601027, "querying isBackup", false};
  t["getUptimeMillis"] = {uptime_millis, 601069, "getting uptime in milliseconds", false};
  t["listNetworkTopology"] = {topology, 601135, "listing network topology", false};
  t["getMaxDiskUsage"] = {max_disk_usage, 601056, "getting max disk usage", false};
  t["getDiskStoreUsage"] = {disk_store_usage, 601272, "getting disk store usage", false};
  t["getAddressMemoryUsage"] = {memory_usage, 601058, "getting address memory usage", false};
  t["getAddressMemoryUsagePercentage"] = {memory_usage_percentage, 601059,
                                          "getting address memory usage percentage", false};
  add_broker_changes(t);
}

}  // namespace artemis::management
