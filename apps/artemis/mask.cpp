// `artemis mask <password>`: prints the one-way hash that artemis-users.properties takes, in the
// ENC(1024:salt:hash) form `create` writes. Artemis's reversible (two-way) masking is not offered:
// a hash is what the login check needs, so --hash is accepted and is the only behaviour.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "util/password.hpp"

namespace artemis::cli {

void register_mask(CLI::App& app, Context& ctx) {
  auto password = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("mask", "Mask a password and print it out.");
  cmd->add_option("password", *password, "The password to be masked.")
      ->required()
      ->type_name("<password>");
  cmd->add_flag("--hash")->description(
      "Whether to use a one-way hash (always on here; kept for scripts)");
  cmd->add_flag("--verbose")->description("Print additional information");
  cmd->callback([password, &ctx] {
    try {
      std::cout << "result: " << util::hash_password(*password) << "\n";
      ctx.exit_code = 0;
    } catch (const std::exception& e) {
      std::cerr << "Could not mask the password: " << e.what() << "\n";
      ctx.exit_code = 1;
    }
  });
}

}  // namespace artemis::cli
