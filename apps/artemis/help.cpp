// `artemis help [command [subcommand]]`: prints the usage of the root or of the named command.
// Also installs the same formatter for `--help`, so both show one text. Registered first in
// dispatch.cpp, so every subcommand added afterwards inherits the formatter.
#include <iostream>
#include <memory>
#include <vector>

#include "command.hpp"
#include "help_format.hpp"

namespace artemis::cli {

void register_help(CLI::App& app, Context& ctx) {
  app.formatter_fn([](const CLI::App* a, std::string, CLI::AppFormatMode) { return usage_text(*a); });
  auto path = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("help", "Display help information about the specified command.");
  cmd->add_option("command", *path, "The COMMAND to display the usage help message for.")
      ->type_name("<COMMAND>");
  CLI::App* root = &app;
  cmd->callback([root, path, &ctx] {
    const CLI::App* target = root;
    for (const auto& name : *path) {
      const CLI::App* next = nullptr;
      for (const CLI::App* sub : target->get_subcommands({}))
        if (sub->get_name() == name) next = sub;
      if (next == nullptr) {
        std::cerr << "Unknown subcommand '" << name << "'.\n";
        ctx.exit_code = 1;
        return;
      }
      target = next;
    }
    std::cout << usage_text(*target);
    ctx.exit_code = 0;
  });
}

}  // namespace artemis::cli
