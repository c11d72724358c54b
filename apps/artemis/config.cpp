// Placeholder until the `config` command lands; it reports that it is unavailable.
#include <iostream>

#include "command.hpp"

namespace artemis::cli {

void register_config(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("config", "config (not available in this build yet)");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    std::cerr << "artemis config: not available in this build yet\n";
    ctx.exit_code = 1;
  });
}

}  // namespace artemis::cli
