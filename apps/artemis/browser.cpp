// Placeholder until the `browser` command lands; it reports that it is unavailable.
#include <iostream>

#include "command.hpp"

namespace artemis::cli {

void register_browser(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("browser", "browser (not available in this build yet)");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    std::cerr << "artemis browser: not available in this build yet\n";
    ctx.exit_code = 1;
  });
}

}  // namespace artemis::cli
