#pragma once
// Options and plumbing shared by `producer`, `consumer` and `browser` (cli.md §4.1): the
// connection options, the broker URL derived from the instance's broker.xml, the one-line
// error report, serialised output lines and the live progress display.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "client/connection.hpp"
#include "client/destination.hpp"
#include "command.hpp"

namespace artemis::cli {

struct ClientOptions {
  std::optional<std::string> url;  // absent: derived from the instance, else the default
  std::string acceptor = "artemis";
  std::string user;
  std::string password;
  std::string client_id;
  std::string protocol = "stomp";
  bool silent = false;
  bool verbose = false;
  std::string destination = "queue://TEST";
  int message_count = 1000;
  int threads = 1;
  int sleep_ms = 0;
};

// --url --acceptor --user --password --clientID --protocol --silent --verbose
void add_connection_options(CLI::App& cmd, ClientOptions& o);
// --destination --message-count --threads --sleep
void add_destination_options(CLI::App& cmd, ClientOptions& o);

// Prints whole lines from several threads without interleaving them.
class Printer {
 public:
  void line(const std::string& text);
  void error(const std::string& text);
  // The progress display writes through here so it can be erased before a normal line.
  void progress(const std::string& text);
  void clear_progress();

 private:
  void clear_locked();
  std::mutex mutex_;
  bool progress_shown_ = false;
};

// A one-line "<what> <done>/<total>" display, refreshed a few times a second, only when stdout
// is a terminal, not --silent, not --verbose (whose lines would fight it), and only once the run
// has lasted a second, so short runs print nothing extra.
class ProgressDisplay {
 public:
  ProgressDisplay(Printer& printer, std::string what, std::int64_t total, bool enabled);
  ~ProgressDisplay();
  void add(std::int64_t n = 1) { done_.fetch_add(n, std::memory_order_relaxed); }

 private:
  Printer& printer_;
  std::string what_;
  std::int64_t total_;
  std::atomic<std::int64_t> done_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Everything a client command needs before starting its threads. Prints
// `Connection brokerURL = <url>` and probes the connection. On failure prints one line saying
// what failed and what to try, and returns nullptr with ctx.exit_code set.
struct ClientSetup {
  std::string url_text;
  client::Destination destination;
  std::unique_ptr<client::Connection> connection;
};
std::unique_ptr<ClientSetup> prepare_client(const char* command, Context& ctx, const ClientOptions& o,
                                            Printer& out);

// One line for a ClientError raised while a command runs ("what failed; what to try").
std::string describe_failure(const char* command, const std::exception& e);

std::string thread_name(const char* role, const client::Destination& d, int index);
std::int64_t elapsed_ms(std::chrono::steady_clock::time_point since);
void print_elapsed(Printer& out, const std::string& name, std::int64_t ms);

}  // namespace artemis::cli
