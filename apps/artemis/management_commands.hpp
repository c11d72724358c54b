#pragma once
// The management commands (cli.md §5.2-5.4), each a subcommand group over ManagementClient.
#include "command.hpp"
#include "management_client.hpp"

namespace artemis::cli {

void add_queue_stat(CLI::App& queue, Context& ctx);

// Runs `fn` on a connected management client; a connection or transport failure is printed as
// the client commands print it (exit 1). `fn` prints the operation's own outcome.
void with_management(const char* command, Context& ctx, const ClientOptions& options,
                     const std::function<void(ManagementClient&, Printer&)>& fn);

// Artemis's report of an operation: `ok` on stdout when it succeeded, otherwise
// `Failed to <what>. Reason: <error>` on stderr; the exit code stays 0 either way, as Artemis's.
void report(const ManagementReply& reply, const std::string& ok, const std::string& what,
            Printer& out);

}  // namespace artemis::cli
