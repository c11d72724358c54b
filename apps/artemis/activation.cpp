// `artemis activation list [--local | --remote [--node-id ID]]` (cli.md §5): Artemis lists the
// activation sequences that replication with a pluggable quorum keeps (<replication><primary>
// or <backup>). It refuses every other HA policy with the words below; this broker does not run
// replication at all (`run` refuses such a broker.xml), so no instance of ours has a sequence:
// the command checks its options and the instance's policy as Artemis does and says which.
#include <iostream>

#include "command.hpp"
#include "config/loader.hpp"

namespace artemis::cli {
namespace {

struct ActivationOptions {
  std::string node_id;
  bool remote = false;
  bool local = false;
};

int list(const Context& ctx, const ActivationOptions& o) {
  if (o.remote && o.local) {
    std::cerr << "--local and --remote cannot be both present: to list both sequences just drop "
                 "both options\n";
    return 1;
  }
  if (!o.node_id.empty() && !o.remote) {
    std::cerr << "--node-id must be used just with --remote\n";
    return 1;
  }
  if (!ctx.instance) {
    std::cerr << "Error: activation list reads a broker instance's configuration: run it as "
                 "<instance>/bin/artemis activation list\n";
    return 1;
  }
  const auto file = *ctx.instance / "etc" / "broker.xml";
  const auto loaded = config::load_broker_xml(file, *ctx.instance);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << e.to_string() << "\n";
    return 1;
  }
  const auto& ha = loaded.config.ha_policy;
  const bool quorum_replication =
      ha.replication && !ha.legacy_names && ha.role != config::HaRole::none;
  if (!quorum_replication) {
    std::cerr << "This command support just <primary> or <backup> replication configuration\n";
    return 1;
  }
  std::cerr << "Error: " << file.string() << ":" << ha.line
            << ": replication is not supported by this broker yet, so no activation sequence is "
               "kept (and `artemis run` refuses this <ha-policy>); use <shared-store>\n";
  return 1;
}

}  // namespace

void register_activation(CLI::App& app, Context& ctx) {
  auto* activation = app.add_subcommand(
      "activation", "Activation sequences of replication with a pluggable quorum (list).");
  activation->require_subcommand(1);
  auto o = std::make_shared<ActivationOptions>();
  auto* cmd = activation->add_subcommand(
      "list", "List local and/or remote (i.e. coordinated) activation sequences.");
  cmd->add_option("--node-id", o->node_id,
                  "This can be used just with --remote option. If not set, broker NodeID is "
                  "used instead.");
  cmd->add_flag("--remote", o->remote, "List just remote (i.e. coordinated) activation sequence.");
  cmd->add_flag("--local", o->local, "List just local activation sequence.");
  cmd->callback([&ctx, o] { ctx.exit_code = list(ctx, *o); });
}

}  // namespace artemis::cli
