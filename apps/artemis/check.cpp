// `artemis check node|queue` (cli.md §5.4): a list of checks run against the broker, each
// printed as `Checking that <what> ... success|failure: <why>|error: <why>`, then a summary
// line; any failure makes the command fail (exit 1) with `<Check> failed. Reason: …`.
#include <fmt/core.h>

#include <chrono>
#include <functional>
#include <iostream>

#include "client/session.hpp"
#include "management_commands.hpp"

namespace artemis::cli {
namespace {

// A check that did not hold (as opposed to one that could not be run: any other exception).
struct CheckFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Task {
  std::string what;
  std::function<void()> run;
};

struct CheckOptions {
  ClientOptions common;
  std::string name;
  int timeout_ms = 30000;
  bool fail_at_end = false;
  bool up = false;
  // node
  bool primary = false, backup = false;
  std::optional<int> peers, disk_usage, memory_usage;
  // queue
  std::optional<int> produce, browse, consume;
};

// Runs the tasks as Artemis's CheckAbstract does: stop at the first failure unless
// --fail-at-end, the rest counted as skipped.
void run_tasks(const char* check, const std::vector<Task>& tasks, const CheckOptions& o,
               Context& ctx, Printer& out) {
  out.line("Running " + std::string(check));
  const auto start = std::chrono::steady_clock::now();
  int run = 0, failures = 0, errors = 0;
  std::string reason;
  for (const auto& t : tasks) {
    if ((failures + errors) > 0 && !o.fail_at_end) break;
    ++run;
    std::string outcome = "success";
    try {
      t.run();
    } catch (const CheckFailed& e) {
      ++failures;
      outcome = fmt::format("failure: {}", e.what());
    } catch (const std::exception& e) {
      ++errors;
      outcome = fmt::format("error: {}", e.what());
    }
    if (outcome != "success" && reason.empty()) reason = outcome;
    out.line(fmt::format("Checking that {} ... {}", t.what, outcome));
  }
  const auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  out.line(fmt::format(
      "Checks run: {}, Failures: {}, Errors: {}, Skipped: {}, Time elapsed: "
      "{:.3f} sec - {}",
      run, failures, errors, static_cast<int>(tasks.size()) - run, secs.count(), check));
  if (failures + errors > 0) {
    out.error(fmt::format("{} failed. Reason: {}", check,
                          o.fail_at_end ? std::string("checks not successful") : reason));
    ctx.exit_code = 1;
  }
}

nlohmann::json value(ManagementClient& m, const std::string& resource, const std::string& attr) {
  const auto r = m.attribute(resource, attr);
  if (!r.succeeded)
    throw std::runtime_error(
        fmt::format("Failed to get {}.{}. Reason: {}", resource, attr, r.text()));
  return r.result;
}

nlohmann::json topology_entry(ManagementClient& m, const CheckOptions& o, std::string& id) {
  id = o.name.empty() ? value(m, "broker", "NodeID").get<std::string>() : o.name;
  const auto r = m.invoke("broker", "listNetworkTopology");
  if (!r.succeeded)
    throw std::runtime_error("Failed to invoke broker.listNetworkTopology. Reason: " + r.text());
  for (const auto& node : nlohmann::json::parse(r.text()))
    if (node.value("nodeID", "") == id) return node;
  return nlohmann::json::object();
}

std::vector<Task> node_tasks(ManagementClient& m, const CheckOptions& o) {
  std::vector<Task> t;
  const bool others = o.primary || o.backup || o.peers || o.disk_usage || o.memory_usage;
  if (o.up || !others)
    t.push_back({"the node is started", [&m] {
                   if (!value(m, "broker", "Started").get<bool>())
                     throw CheckFailed("The node isn't started.");
                 }});
  if (o.primary)
    t.push_back({"the node has a primary", [&m, &o] {
                   std::string id;
                   if (!topology_entry(m, o, id).contains("primary"))
                     throw CheckFailed("No primary found for the node " + id);
                 }});
  if (o.backup)
    t.push_back({"the node has a backup", [&m, &o] {
                   std::string id;
                   if (!topology_entry(m, o, id).contains("backup"))
                     throw CheckFailed("No backup found for the node " + id);
                 }});
  if (o.peers)
    t.push_back({fmt::format("there are {} peers", *o.peers), [&m, &o] {
                   const auto r = m.invoke("broker", "listNetworkTopology");
                   int peers = 0;
                   for (const auto& node : nlohmann::json::parse(r.text()))
                     peers +=
                         (node.contains("primary") ? 1 : 0) + (node.contains("backup") ? 1 : 0);
                   if (peers < *o.peers)
                     throw CheckFailed(fmt::format("Insufficient peers: {}", peers));
                 }});
  if (o.disk_usage)
    t.push_back(
        {*o.disk_usage == -1 ? std::string("the disk usage is less then the max-disk-usage")
                             : fmt::format("the disk usage is less then {}", *o.disk_usage),
         [&m, &o] {
           const int limit =
               *o.disk_usage == -1 ? value(m, "broker", "MaxDiskUsage").get<int>() : *o.disk_usage;
           const auto usage = value(m, "broker", "DiskStoreUsage").get<double>();
           if (static_cast<int>(usage * 100) > limit)
             throw CheckFailed(fmt::format("The DiskStoreUsage {} is less than {}", usage, limit));
         }});
  if (o.memory_usage)
    t.push_back({fmt::format("the memory usage is less then {}", *o.memory_usage), [&m, &o] {
                   const auto usage = value(m, "broker", "AddressMemoryUsagePercentage").get<int>();
                   if (usage > *o.memory_usage)
                     throw CheckFailed(
                         fmt::format("The MemoryUsage {} is less than {}", usage, *o.memory_usage));
                 }});
  return t;
}

std::vector<Task> queue_tasks(ManagementClient& m, const CheckOptions& o) {
  std::vector<Task> t;
  const auto queue = client::Destination{client::DestinationKind::queue, o.name};
  const bool others = o.produce || o.browse || o.consume;
  if (o.up || !others)
    t.push_back({fmt::format("the queue {} exists and is not paused", o.name), [&m, &o] {
                   if (value(m, "queue." + o.name, "Paused").get<bool>())
                     throw CheckFailed("The queue is paused.");
                 }});
  if (o.produce)
    t.push_back({fmt::format("a producer can send {} messages to the queue {}", *o.produce, o.name),
                 [&m, &o, queue] {
                   auto s = m.connection().create_session(client::Transacted::no);
                   auto p = s->create_producer(queue);
                   for (int i = 0; i < *o.produce; ++i) {
                     client::Message msg;
                     msg.body = "CHECK_MESSAGE";
                     p.send(msg);
                   }
                   s->close();
                 }});
  auto receive = [&m, &o, queue](const std::optional<int>& n, bool browse) {
    client::ConsumerOptions co;
    co.browse = browse;
    auto s = m.connection().create_session(client::Transacted::no);
    auto c = s->create_consumer(queue, co);
    int got = 0;
    const auto wait = std::chrono::milliseconds(*n == -1 ? 200 : o.timeout_ms);
    while ((*n == -1 || got < *n) && c.receive(wait)) ++got;
    s->close();
    if (*n != -1 && got < *n)
      throw CheckFailed(
          fmt::format("Insufficient messages to {}: {}", browse ? "browse" : "consume", got));
  };
  if (o.browse)
    t.push_back({*o.browse == -1
                     ? fmt::format("a consumer can browse the queue {}", o.name)
                     : fmt::format("a consumer can browse {} messages from the queue {}", *o.browse,
                                   o.name),
                 [&o, receive] { receive(o.browse, true); }});
  if (o.consume)
    t.push_back({*o.consume == -1
                     ? fmt::format("a consumer can consume the queue {}", o.name)
                     : fmt::format("a consumer can consume {} messages from the queue {}",
                                   *o.consume, o.name),
                 [&o, receive] { receive(o.consume, false); }});
  return t;
}

CLI::App* check_command(CLI::App& parent, const char* name, const char* help, CheckOptions& o) {
  auto* cmd = parent.add_subcommand(name, help);
  add_connection_options(*cmd, o.common);
  cmd->add_option("--timeout", o.timeout_ms, "Milliseconds to wait for each answer")
      ->capture_default_str();
  cmd->add_flag("--fail-at-end", o.fail_at_end, "Run every check before failing");
  cmd->add_flag("--up", o.up, "Check that it is up (the default check)");
  return cmd;
}

void add_count(CLI::App& cmd, const char* name, std::optional<int>& target, const char* help) {
  cmd.add_option_function<int>(
      name, [&target](int n) { target = n; }, help);
}

}  // namespace

void register_check(CLI::App& app, Context& ctx) {
  auto* check = app.add_subcommand("check", "Check a node or a queue.");
  check->require_subcommand(1);

  auto node = std::make_shared<CheckOptions>();
  auto* n = check_command(*check, "node", "Check the node.", *node);
  n->add_option("--name", node->name, "The node id to check (default: the connected node)");
  n->add_flag("--primary,--live", node->primary, "Check that the node has a primary");
  n->add_flag("--backup", node->backup, "Check that the node has a backup");
  add_count(*n, "--peers", node->peers, "Check that there are at least this many peers");
  add_count(*n, "--diskUsage", node->disk_usage,
            "Check that the disk usage is below this percentage; -1: max-disk-usage");
  add_count(*n, "--memoryUsage", node->memory_usage,
            "Check that the address memory usage is below this percentage");
  n->callback([&ctx, o = node] {
    with_management("check node", ctx, o->common, [&](ManagementClient& m, Printer& out) {
      m.set_timeout(std::chrono::milliseconds(o->timeout_ms));
      run_tasks("NodeCheck", node_tasks(m, *o), *o, ctx, out);
    });
  });

  auto queue = std::make_shared<CheckOptions>();
  auto* q = check_command(*check, "queue", "Check a queue.", *queue);
  q->add_option("--name", queue->name, "The queue to check")->required();
  add_count(*q, "--produce", queue->produce, "Send this many messages to it");
  add_count(*q, "--browse", queue->browse, "Browse this many messages; -1: whatever is there");
  add_count(*q, "--consume", queue->consume, "Consume this many messages; -1: whatever is there");
  q->callback([&ctx, o = queue] {
    with_management("check queue", ctx, o->common, [&](ManagementClient& m, Printer& out) {
      m.set_timeout(std::chrono::milliseconds(o->timeout_ms));
      run_tasks("QueueCheck", queue_tasks(m, *o), *o, ctx, out);
    });
  });
}

}  // namespace artemis::cli
