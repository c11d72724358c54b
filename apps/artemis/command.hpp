#pragma once
// Shared by every command file: where the instance and the installation are, and how a command
// reports its exit code. Each command lives in its own <command>.cpp with a register_<command>()
// that adds a CLI11 subcommand; dispatch.cpp registers them all and runs the one asked for.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace artemis::cli {

struct Context {
  std::filesystem::path binary;                   // this executable (resolved /proc/self/exe)
  std::filesystem::path home;                     // installation dir: parent of bin/ holding binary
  std::optional<std::filesystem::path> instance;  // ARTEMIS_INSTANCE (set by <instance>/bin/artemis)
  bool verbose = false;
  int exit_code = 0;                              // set by the command that ran
};

// Thrown by a command to stop with an exit code after printing its own message.
struct CommandExit {
  int code;
};

void register_help(CLI::App& app, Context& ctx);
void register_version(CLI::App& app, Context& ctx);
void register_create(CLI::App& app, Context& ctx);
void register_config(CLI::App& app, Context& ctx);
void register_run(CLI::App& app, Context& ctx);
void register_stop(CLI::App& app, Context& ctx);
void register_kill(CLI::App& app, Context& ctx);
void register_producer(CLI::App& app, Context& ctx);
void register_consumer(CLI::App& app, Context& ctx);
void register_browser(CLI::App& app, Context& ctx);
void register_data(CLI::App& app, Context& ctx);
void register_perf_journal(CLI::App& app, Context& ctx);
void register_perf(CLI::App& app, Context& ctx);
void register_mask(CLI::App& app, Context& ctx);
void register_queue(CLI::App& app, Context& ctx);
void register_address(CLI::App& app, Context& ctx);
void register_check(CLI::App& app, Context& ctx);
void register_user(CLI::App& app, Context& ctx);
void register_activation(CLI::App& app, Context& ctx);
void register_connection(CLI::App& app, Context& ctx);

}  // namespace artemis::cli
