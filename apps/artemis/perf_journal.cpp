// Placeholder until the `perf-journal` command lands; it reports that it is unavailable.
#include <iostream>

#include "command.hpp"

namespace artemis::cli {

void register_perf_journal(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("perf-journal", "perf-journal (not available in this build yet)");
  cmd->allow_extras();
  cmd->callback([&ctx] {
    std::cerr << "artemis perf-journal: not available in this build yet\n";
    ctx.exit_code = 1;
  });
}

}  // namespace artemis::cli
