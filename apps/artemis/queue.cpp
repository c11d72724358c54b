// `artemis queue create|update|delete|purge|stat` (cli.md §5.2), through the broker's
// management address. Without a terminal to prompt on, the options take the defaults Artemis's
// --silent gives: not durable, MULTICAST, no purge on no consumers, no address auto-creation.
#include <fmt/core.h>

#include "management_commands.hpp"

namespace artemis::cli {

void with_management(const char* command, Context& ctx, const ClientOptions& options,
                     const std::function<void(ManagementClient&, Printer&)>& fn) {
  Printer out;
  auto client = ManagementClient::open(command, ctx, options, out);
  if (!client) return;
  try {
    fn(*client, out);
  } catch (const std::exception& e) {
    out.error(describe_failure(command, e));
    ctx.exit_code = 1;
  }
}

void report(const ManagementReply& reply, const std::string& ok, const std::string& what,
            Printer& out) {
  if (reply.succeeded)
    out.line(ok);
  else
    out.error(fmt::format("Failed to {}. Reason: {}", what, reply.text()));
}

namespace {

struct QueueOptions {
  ClientOptions common;
  std::string name, address, filter;
  bool durable = false;
  bool anycast = false;
  bool multicast = false;
  int max_consumers = -1;
  bool purge_on_no_consumers = false;
  bool auto_create_address = false;
  bool remove_consumers = false;
  bool auto_delete_address = false;
  // update: only what was given changes
  std::optional<int> new_max_consumers;
  std::optional<bool> new_purge;
};

std::string routing_type(const QueueOptions& o, bool for_update) {
  if (o.anycast) return "ANYCAST";
  if (o.multicast || !for_update) return "MULTICAST";
  return "";
}

CLI::App* queue_command(CLI::App& queue, const char* name, const char* help, QueueOptions& o) {
  auto* cmd = queue.add_subcommand(name, help);
  add_connection_options(*cmd, o.common);
  cmd->add_option("--name", o.name, "The queue's name")->required();
  return cmd;
}

void add_routing_flags(CLI::App& cmd, QueueOptions& o) {
  auto* any = cmd.add_flag("--anycast", o.anycast, "ANYCAST routing");
  auto* multi = cmd.add_flag("--multicast", o.multicast, "MULTICAST routing (the default)");
  any->excludes(multi);
}

}  // namespace

void register_queue(CLI::App& app, Context& ctx) {
  auto* queue = app.add_subcommand("queue", "Manage queues: create, update, delete, purge, stat.");
  queue->require_subcommand(1);
  add_queue_stat(*queue, ctx);

  auto create = std::make_shared<QueueOptions>();
  auto* c = queue_command(*queue, "create", "Create a queue.", *create);
  c->add_option("--address", create->address, "The address (default: the queue's name)");
  c->add_option("--filter", create->filter, "The queue's filter (a selector)");
  c->add_flag("--durable,!--no-durable", create->durable, "Durable (default: not durable)");
  add_routing_flags(*c, *create);
  c->add_option("--max-consumers", create->max_consumers, "Most consumers; -1: no limit")
      ->capture_default_str();
  c->add_flag("--purge-on-no-consumers,!--preserve-on-no-consumers", create->purge_on_no_consumers,
              "Purge when the last consumer leaves");
  c->add_flag("--auto-create-address", create->auto_create_address,
              "Create the address if it does not exist");
  c->callback([&ctx, o = create] {
    with_management("queue create", ctx, o->common, [&](ManagementClient& m, Printer& out) {
      const auto address = o->address.empty() ? o->name : o->address;
      const auto r = m.invoke(
          "broker", "createQueue",
          {address, routing_type(*o, false), o->name,
           o->filter.empty() ? nlohmann::json(nullptr) : nlohmann::json(o->filter), o->durable,
           o->max_consumers, o->purge_on_no_consumers, o->auto_create_address});
      report(r, r.text() + " created successfully.", "create queue " + o->name, out);
    });
  });

  auto update = std::make_shared<QueueOptions>();
  auto* u = queue_command(*queue, "update", "Update a queue.", *update);
  add_routing_flags(*u, *update);
  u->add_option_function<int>(
      "--max-consumers", [o = update.get()](int n) { o->new_max_consumers = n; },
      "Most consumers; -1: no limit");
  u->add_flag_function(
      "--purge-on-no-consumers,!--preserve-on-no-consumers",
      [o = update.get()](std::int64_t n) { o->new_purge = n > 0; },
      "Purge when the last consumer leaves");
  u->callback([&ctx, o = update] {
    with_management("queue update", ctx, o->common, [&](ManagementClient& m, Printer& out) {
      const auto rt = routing_type(*o, true);
      const auto r = m.invoke(
          "broker", "updateQueue",
          {o->name, rt.empty() ? nlohmann::json(nullptr) : nlohmann::json(rt),
           o->new_max_consumers ? nlohmann::json(*o->new_max_consumers) : nlohmann::json(nullptr),
           o->new_purge ? nlohmann::json(*o->new_purge) : nlohmann::json(nullptr)});
      report(r, r.text() + " updated successfully.", "update " + o->name, out);
    });
  });

  auto del = std::make_shared<QueueOptions>();
  auto* d = queue_command(*queue, "delete", "Delete a queue.", *del);
  d->add_flag("--removeConsumers", del->remove_consumers, "Delete it even with consumers");
  d->add_flag("--autoDeleteAddress", del->auto_delete_address,
              "Also delete its address if it was auto-created and is now unused");
  d->callback([&ctx, o = del] {
    with_management("queue delete", ctx, o->common, [&](ManagementClient& m, Printer& out) {
      const auto r = m.invoke("broker", "destroyQueue",
                              {o->name, o->remove_consumers, o->auto_delete_address});
      report(r, fmt::format("Queue {} deleted successfully.", o->name), "delete queue " + o->name,
             out);
    });
  });

  auto purge = std::make_shared<QueueOptions>();
  auto* p = queue_command(*queue, "purge", "Delete every message of a queue.", *purge);
  p->callback([&ctx, o = purge] {
    with_management("queue purge", ctx, o->common, [&](ManagementClient& m, Printer& out) {
      const auto r = m.invoke("queue." + o->name, "removeAllMessages");
      report(r, fmt::format("Queue {} purged successfully.", o->name), "purge queue " + o->name,
             out);
    });
  });
}

}  // namespace artemis::cli
