// `artemis stop` and `artemis kill` (reference/cli.md §3.3): ask the running broker of this
// instance to stop by creating etc/STOP_ME (or etc/KILL_ME, honoured only by a broker started
// with --allow-kill). They do not wait: the broker notices within 500 ms.
#include <fstream>
#include <iostream>
#include <memory>

#include "command.hpp"

namespace artemis::cli {
namespace {

namespace fs = std::filesystem;

struct StopOptions {
  std::string instance;
  std::string broker_xml;
};

int create_request_file(const Context& ctx, const StopOptions& opts, const char* name) {
  fs::path etc;
  if (!opts.broker_xml.empty()) etc = fs::absolute(opts.broker_xml).parent_path();
  else if (!opts.instance.empty()) etc = fs::path(opts.instance) / "etc";
  else if (ctx.instance) etc = *ctx.instance / "etc";
  else {
    std::cerr << "Error: no broker instance: run <instance>/bin/artemis " << name
              << ", or pass --instance <directory>\n";
    return 1;
  }
  std::error_code ec;
  if (!fs::is_directory(etc, ec)) {
    std::cerr << "Error: " << etc.string() << " is not a directory (is this a broker instance?)\n";
    return 1;
  }
  const auto file = etc / (std::string(name) == "stop" ? "STOP_ME" : "KILL_ME");
  std::ofstream out(file);
  if (!out) {
    std::cerr << "Error: cannot create " << file.string() << "\n";
    return 1;
  }
  return 0;
}

void register_request(CLI::App& app, Context& ctx, const char* name, const char* description) {
  auto opts = std::make_shared<StopOptions>();
  auto* cmd = app.add_subcommand(name, description);
  cmd->add_option("--instance", opts->instance,
                  "The broker instance directory (default: $ARTEMIS_INSTANCE).");
  cmd->add_option("--broker", opts->broker_xml,
                  "The broker.xml of the broker (its directory receives the request file).");
  cmd->add_flag("--verbose", ctx.verbose, "Adds more information on the execution.");
  cmd->callback([&ctx, opts, name] { ctx.exit_code = create_request_file(ctx, *opts, name); });
}

}  // namespace

void register_stop(CLI::App& app, Context& ctx) {
  register_request(app, ctx, "stop", "Stop the broker.");
}

void register_kill(CLI::App& app, Context& ctx) {
  register_request(app, ctx, "kill", "Kill a broker instance started with --allow-kill.");
}

}  // namespace artemis::cli
