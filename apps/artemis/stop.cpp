// Placeholder until the `stop` command lands; it reports that it is unavailable.
#include <iostream>

#include "command.hpp"

namespace artemis::cli {

void register_stop(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("stop", "stop (not available in this build yet)");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    std::cerr << "artemis stop: not available in this build yet\n";
    ctx.exit_code = 1;
  });
}

}  // namespace artemis::cli
