// Placeholder until the `run` command lands; it reports that it is unavailable.
#include <iostream>

#include "command.hpp"

namespace artemis::cli {

void register_run(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("run", "run (not available in this build yet)");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    std::cerr << "artemis run: not available in this build yet\n";
    ctx.exit_code = 1;
  });
}

}  // namespace artemis::cli
