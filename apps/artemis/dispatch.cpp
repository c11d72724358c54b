// The command line: parses with CLI11 and dispatches to one command. It lives in the library,
// beside the commands, so CLI11's header-only implementation is compiled there once more at most
// and not again for the executable's main.cpp.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "command.hpp"
#include "command_line.hpp"

namespace artemis::cli {
namespace {

Context make_context() {
  namespace fs = std::filesystem;
  Context ctx;
  std::error_code ec;
  ctx.binary = fs::canonical("/proc/self/exe", ec);
  ctx.home = ctx.binary.parent_path();
  if (ctx.home.filename() == "bin") ctx.home = ctx.home.parent_path();
  if (const char* inst = std::getenv("ARTEMIS_INSTANCE"); inst != nullptr && *inst != '\0')
    ctx.instance = fs::path(inst);
  return ctx;
}

// A first word that names no command: CLI11 would only say that its arguments "were not
// expected". Commands Artemis has that this broker does not have yet are named as such.
bool unknown_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  const std::string word = argv[1];
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->check_name(word)) return false;
  static const char* const kArtemisOnly[] = {"activation", "connect",       "shell",
                                             "transfer",   "upgrade",       "pwd",
                                             "disconnect", "auto-complete", "completion"};
  bool artemis_has = false;
  for (const char* name : kArtemisOnly) artemis_has = artemis_has || word == name;
  std::cerr << "unknown command '" << word << "'"
            << (artemis_has ? ": Artemis has it, this version does not have it yet" : "")
            << "\n\nRun 'artemis help' for the commands there are.\n";
  return true;
}

}  // namespace

int run_command_line(int argc, char** argv) {
  auto ctx = make_context();
  CLI::App app{"ActiveMQ Artemis Command Line", "artemis"};
  app.require_subcommand(0, 1);
  app.set_help_flag("--help", "Show help (an extension: Artemis itself only has `artemis help`)");
  register_help(app, ctx);
  register_version(app, ctx);
  register_create(app, ctx);
  register_config(app, ctx);
  register_run(app, ctx);
  register_stop(app, ctx);
  register_kill(app, ctx);
  register_producer(app, ctx);
  register_consumer(app, ctx);
  register_browser(app, ctx);
  register_data(app, ctx);
  register_perf(app, ctx);
  register_perf_journal(app, ctx);
  register_mask(app, ctx);
  register_queue(app, ctx);
  register_address(app, ctx);
  register_check(app, ctx);
  register_user(app, ctx);
  register_activation(app, ctx);
  register_connection(app, ctx);
  if (unknown_command(app, argc, argv)) return 1;
  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) {
      std::cout << app.help();
      return 0;
    }
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << e.what() << "\n\n";
    std::cout << "Run 'artemis help' (or 'artemis help <command>') for usage.\n";
    return 1;
  } catch (const CommandExit& e) {
    return e.code;
  }
  return ctx.exit_code;
}

}  // namespace artemis::cli
