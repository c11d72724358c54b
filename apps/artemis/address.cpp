// `artemis address create|update|delete|show` (cli.md §5.3), through the broker's management
// address. Without a terminal to prompt on the routing flags take Artemis's --silent defaults:
// MULTICAST only.
#include <fmt/core.h>

#include "management_commands.hpp"

namespace artemis::cli {
namespace {

struct AddressOptions {
  ClientOptions common;
  std::string name;
  std::optional<bool> anycast, multicast;
  bool force = false;
  bool bindings = false;
};

std::string routing_types(const AddressOptions& o) {
  std::string s;
  if (o.anycast.value_or(false)) s = "ANYCAST";
  if (o.multicast.value_or(!o.anycast.value_or(false))) s += s.empty() ? "MULTICAST" : ",MULTICAST";
  return s;
}

CLI::App* address_command(CLI::App& parent, const char* name, const char* help, AddressOptions& o,
                          bool name_required = true) {
  auto* cmd = parent.add_subcommand(name, help);
  add_connection_options(*cmd, o.common);
  auto* opt = cmd->add_option("--name", o.name, "The address's name");
  if (name_required) opt->required();
  return cmd;
}

void add_routing_flags(CLI::App& cmd, AddressOptions& o) {
  cmd.add_flag_function(
      "--anycast,!--no-anycast", [&o](std::int64_t n) { o.anycast = n > 0; },
      "ANYCAST routing (default: off)");
  cmd.add_flag_function(
      "--multicast,!--no-multicast", [&o](std::int64_t n) { o.multicast = n > 0; },
      "MULTICAST routing (default: on)");
}

}  // namespace

void register_address(CLI::App& app, Context& ctx) {
  auto* address = app.add_subcommand("address", "Manage addresses: create, update, delete, show.");
  address->require_subcommand(1);

  auto create = std::make_shared<AddressOptions>();
  auto* c = address_command(*address, "create", "Create an address.", *create);
  add_routing_flags(*c, *create);
  c->callback([&ctx, o = create] {
    with_management("address create", ctx, o->common, [&](ManagementClient& m, Printer& out) {
      const auto r = m.invoke("broker", "createAddress", {o->name, routing_types(*o)});
      report(r, r.text() + " created successfully.", "create address " + o->name, out);
    });
  });

  auto update = std::make_shared<AddressOptions>();
  auto* u = address_command(*address, "update", "Update an address's routing types.", *update);
  add_routing_flags(*u, *update);
  u->callback([&ctx, o = update] {
    with_management("address update", ctx, o->common, [&](ManagementClient& m, Printer& out) {
      const bool given = o->anycast || o->multicast;
      const auto r =
          m.invoke("broker", "updateAddress",
                   {o->name, given ? nlohmann::json(routing_types(*o)) : nlohmann::json(nullptr)});
      report(r, r.text() + " updated successfully.", "update address " + o->name, out);
    });
  });

  auto del = std::make_shared<AddressOptions>();
  auto* d = address_command(*address, "delete", "Delete an address.", *del);
  d->add_flag("--force", del->force, "Delete its queues too");
  d->callback([&ctx, o = del] {
    with_management("address delete", ctx, o->common, [&](ManagementClient& m, Printer& out) {
      const auto r = m.invoke("broker", "deleteAddress", {o->name, o->force});
      report(r, fmt::format("Address {} deleted successfully.", o->name),
             "delete address " + o->name, out);
    });
  });

  auto show = std::make_shared<AddressOptions>();
  auto* s = address_command(*address, "show",
                            "Show the addresses (one per line), one address, or its bindings.",
                            *show, false);
  s->add_flag("--bindings", show->bindings, "Show the queues bound to --name");
  s->callback([&ctx, o = show] {
    with_management("address show", ctx, o->common, [&](ManagementClient& m, Printer& out) {
      const auto r = o->name.empty() ? m.invoke("broker", "listAddresses", {"\n"})
                     : o->bindings   ? m.invoke("broker", "listBindingsForAddress", {o->name})
                                     : m.invoke("broker", "getAddressInfo", {o->name});
      report(r, r.text(), "show address " + (o->name.empty() ? std::string("null") : o->name), out);
    });
  });
}

}  // namespace artemis::cli
