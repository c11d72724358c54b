// `artemis run`: start the broker of an instance and keep it running (reference/cli.md §3.1).
//   instance: --instance DIR, else ARTEMIS_INSTANCE (set by <instance>/bin/artemis)
//   <instance>/lock/cli.lock held exclusively for the life of the process
//   etc/broker.xml loaded (errors as file:line, exit 1), the banner, then the broker
//   etc/STOP_ME polled every 500 ms: clean stop, "Server stopped!", exit 0
//   etc/KILL_ME with --allow-kill: "Halting by user request", immediate exit 0
//   SIGINT / SIGTERM: clean stop (AMQ221002), exit 130 / 143 as the JVM reports them for
//   Artemis, so scripts that check the status see the same values
//   port in use, bad login.config, ...: "Error: <what and where>" on stderr, exit 1
// Logs go to stdout and <instance>/log/artemis.log.
// The soft open-file limit is raised to the hard limit first (net/descriptor_limit.hpp).
#include <unistd.h>

#include <asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "config/bootstrap.hpp"
#include "config/loader.hpp"
#include "net/descriptor_limit.hpp"
#include "server/broker.hpp"
#include "server/cli_lock.hpp"
#include "server/services.hpp"
#include "util/log.hpp"

namespace artemis::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct RunOptions {
  bool allow_kill = false;
  std::string instance;
  std::string broker_xml;
};

constexpr auto kStopFilePoll = 500ms;
constexpr std::size_t kConsoleLogLines = 500;

void print_banner() {
  std::cout << R"(     _        _               _
    / \  ____| |_  ___ __  __(_) _____
   / _ \|  _ \ __|/ _ \  \/  | |/  __/
  / ___ \ | \/ |_/  __/ |\/| | |\___ \
 /_/   \_\|   \__\____|_|  |_|_|/___ /
 Apache ActiveMQ Artemis )"
            << ARTEMIS_VERSION << "\n\n\n";
  std::cout.flush();
}

// How the process was asked to end.
enum class Ending { none, stop_file, signal };

int run_broker(const Context& ctx, const RunOptions& opts) {
  fs::path instance;
  if (!opts.instance.empty()) instance = opts.instance;
  else if (ctx.instance) instance = *ctx.instance;
  else {
    std::cerr << "Error: no broker instance: run <instance>/bin/artemis run, or pass --instance "
                 "<directory>\n";
    return 1;
  }
  std::error_code ec;
  instance = fs::weakly_canonical(fs::absolute(instance), ec);
  const fs::path broker_xml =
      opts.broker_xml.empty() ? instance / "etc" / "broker.xml" : fs::absolute(opts.broker_xml);
  const fs::path etc = broker_xml.parent_path();

  server::CliLock lock;
  std::string lock_error;
  switch (lock.try_acquire(instance / "lock", lock_error)) {
    case server::CliLock::Result::acquired: break;
    case server::CliLock::Result::held_elsewhere:
      std::cerr << "Error: There is another process using the server at "
                << (instance / "lock").string() << ". Cannot start the process!\n";
      return 1;
    case server::CliLock::Result::io_error:
      std::cerr << "Error: " << lock_error << "\n";
      return 1;
  }

  print_banner();
  util::Logger log(stdout, ctx.verbose ? util::Level::debug : util::Level::info);
  log.keep_recent(kConsoleLogLines);  // the web console's log view
  fs::create_directories(instance / "log", ec);
  if (!log.add_file((instance / "log" / "artemis.log").string()))
    std::cerr << "Warning: cannot write " << (instance / "log" / "artemis.log").string() << "\n";

  // Every client costs a descriptor: take all the hard limit allows before the first accept.
  net::raise_descriptor_limit(log);

  // Stale requests from an earlier run must not stop this one.
  fs::remove(etc / "STOP_ME", ec);
  fs::remove(etc / "KILL_ME", ec);

  auto loaded = config::load_broker_xml(broker_xml, instance);
  for (const auto& w : loaded.warnings) {
    // Running without the HA the file asks for would look like HA to the operator: refused.
    if (w.code == config::errc::unsupported_ha)
      loaded.errors.push_back(w);
    else
      log.plain(util::Level::warn, "org.apache.activemq.artemis.core.deployers", "{}",
                w.to_string());
  }
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << e.to_string() << "\n";
    std::cerr << "Error: " << broker_xml.string() << " has " << loaded.errors.size()
              << " error(s); the broker was not started\n";
    return 1;
  }

  // The web endpoint's binding, from the instance's bootstrap.xml (none: create --no-web).
  auto bootstrap = config::load_bootstrap_xml(instance / "etc" / "bootstrap.xml");
  for (const auto& w : bootstrap.warnings)
    log.plain(util::Level::warn, "org.apache.activemq.artemis", "{}", w.to_string());
  if (!bootstrap.errors.empty()) {
    for (const auto& e : bootstrap.errors) std::cerr << e.to_string() << "\n";
    std::cerr << "Error: " << (instance / "etc" / "bootstrap.xml").string()
              << " has errors; the broker was not started\n";
    return 1;
  }

  server::Broker broker(std::move(loaded.config), etc, server::core_services(), log);
  if (bootstrap.web) broker.set_web(std::move(*bootstrap.web));
  if (!broker.start()) {
    std::cerr << "Error: " << broker.error() << "\n";
    return 1;
  }

  Ending ending = Ending::none;
  int signal_number = 0;
  asio::signal_set signals(broker.io(), SIGINT, SIGTERM);
  signals.async_wait([&](const std::error_code& e, int signo) {
    if (e) return;
    ending = Ending::signal;
    signal_number = signo;
    broker.request_stop();
  });

  // The 500 ms poll of etc/STOP_ME and etc/KILL_ME, on the broker thread.
  std::function<void()> poll = [&] {
    std::error_code fe;
    if (opts.allow_kill && fs::exists(etc / "KILL_ME", fe)) {
      std::cerr << "Halting by user request" << std::endl;
      std::fflush(stdout);
      ::_exit(0);  // a halt: no clean shutdown, as asked
    }
    if (fs::exists(etc / "STOP_ME", fe)) {
      fs::remove(etc / "STOP_ME", fe);
      if (ending == Ending::none) ending = Ending::stop_file;
      broker.request_stop();
      return;
    }
    broker.scheduler().schedule_after(kStopFilePoll, poll);
  };
  broker.scheduler().schedule_after(kStopFilePoll, poll);

  const int rc = broker.run();
  signals.cancel();
  if (rc != 0) {
    std::cerr << "Error: " << broker.error() << "\n";
    return rc;
  }
  switch (ending) {
    case Ending::stop_file:
      std::cout << "Server stopped!" << std::endl;
      return 0;
    case Ending::signal:
      return 128 + signal_number;
    case Ending::none:
      return 0;
  }
  return 0;
}

}  // namespace

void register_run(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "Run the broker.");
  cmd->add_flag("--allow-kill", opts->allow_kill,
                "This will allow the server to kill itself. Useful for tests (failover tests for "
                "instance).");
  cmd->add_option("--instance", opts->instance,
                  "The broker instance directory (default: $ARTEMIS_INSTANCE).");
  cmd->add_option("--broker", opts->broker_xml,
                  "Override the broker.xml location (default: <instance>/etc/broker.xml).");
  cmd->add_flag("--verbose", ctx.verbose, "Adds more information on the execution.");
  cmd->callback([&ctx, opts] { ctx.exit_code = run_broker(ctx, *opts); });
}

}  // namespace artemis::cli
