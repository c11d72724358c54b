// `artemis version`: the version, and the installation and instance this command runs with.
#include <iostream>

#include "command.hpp"

namespace artemis::cli {

void register_version(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("version", "Print version information.");
  cmd->callback([&ctx] {
    std::cout << "Apache ActiveMQ Artemis " << ARTEMIS_VERSION << "\n"
              << "ActiveMQ Artemis home: " << ctx.home.string() << "\n"
              << "ActiveMQ Artemis instance: "
              << (ctx.instance ? ctx.instance->string() : std::string("null")) << "\n";
    ctx.exit_code = 0;
  });
}

}  // namespace artemis::cli
