#include "client_options.hpp"

#include <unistd.h>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "client/errors.hpp"
#include "client/session.hpp"
#include "config/broker_config.hpp"
#include "config/loader.hpp"
#include "util/strings.hpp"

namespace artemis::cli {

namespace fs = std::filesystem;

void add_connection_options(CLI::App& cmd, ClientOptions& o) {
  cmd.add_option_function<std::string>(
      "--url", [&o](const std::string& v) { o.url = v; },
      "URL towards the broker (default: from the instance's broker.xml, else tcp://localhost:61616)");
  cmd.add_option("--acceptor", o.acceptor,
                 "Name of the acceptor (or connector) in broker.xml to derive the URL from")
      ->capture_default_str();
  cmd.add_option("--user", o.user, "User used to connect");
  cmd.add_option("--password", o.password, "Password used to connect");
  cmd.add_option("--clientID", o.client_id, "ClientID set on the connection (needed by --durable)");
  cmd.add_option("--protocol", o.protocol,
                 "Protocol: stomp (default; 'core' is accepted as a name for it), amqp or mqtt "
                 "(MQTT 5: topics only, no transactions)")
      ->capture_default_str();
  cmd.add_flag("--silent", o.silent, "No prompts and no live progress display");
  cmd.add_flag("--verbose", o.verbose, "Print every message handled");
}

void add_destination_options(CLI::App& cmd, ClientOptions& o) {
  cmd.add_option("--destination", o.destination,
                 "Destination: queue://NAME, topic://NAME or an FQQN address::queue")
      ->capture_default_str();
  cmd.add_option("--message-count", o.message_count, "Number of messages per thread")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--threads", o.threads, "Number of threads (one session each)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd.add_option("--sleep", o.sleep_ms, "Milliseconds to sleep after each message")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
}

// ---------------------------------------------------------------------------------------------
// Output

void Printer::clear_locked() {
  if (progress_shown_) {
    std::cout << "\r\033[K" << std::flush;
    progress_shown_ = false;
  }
}

void Printer::line(const std::string& text) {
  std::lock_guard lock(mutex_);
  clear_locked();
  std::cout << text << '\n' << std::flush;
}

void Printer::error(const std::string& text) {
  std::lock_guard lock(mutex_);
  clear_locked();
  std::cerr << text << '\n' << std::flush;
}

void Printer::progress(const std::string& text) {
  std::lock_guard lock(mutex_);
  std::cout << "\r\033[K" << text << std::flush;
  progress_shown_ = true;
}

void Printer::clear_progress() {
  std::lock_guard lock(mutex_);
  clear_locked();
}

ProgressDisplay::ProgressDisplay(Printer& printer, std::string what, std::int64_t total, bool enabled)
    : printer_(printer), what_(std::move(what)), total_(total) {
  if (!enabled || ::isatty(STDOUT_FILENO) == 0) return;
  // Progress thread: wakes every 100 ms, draws after the first second, erases itself at the end.
  thread_ = std::thread([this] {
    const auto start = std::chrono::steady_clock::now();
    int tick = 0;
    while (!stop_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (++tick % 3 != 0 || std::chrono::steady_clock::now() - start < std::chrono::seconds(1)) continue;
      const auto done = done_.load(std::memory_order_relaxed);
      const auto secs = std::max<std::int64_t>(1, elapsed_ms(start) / 1000);
      printer_.progress(fmt::format("{} {}/{} messages ({} msg/s)", what_, done, total_, done / secs));
    }
    printer_.clear_progress();
  });
}

ProgressDisplay::~ProgressDisplay() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

// ---------------------------------------------------------------------------------------------
// Setup

namespace {

// cli.md §4.1: the acceptor (else connector) named --acceptor in <etc>/broker.xml.
std::optional<std::string> url_from_instance(const Context& ctx, const ClientOptions& o, Printer& out) {
  if (!ctx.instance) return std::nullopt;
  fs::path etc = *ctx.instance / "etc";
  if (const char* e = std::getenv("ARTEMIS_INSTANCE_ETC"); e != nullptr && *e != '\0') etc = e;
  const auto file = etc / "broker.xml";
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  const auto loaded = config::load_broker_xml(file, *ctx.instance);
  if (!loaded.ok()) {
    out.line(fmt::format("Can not get the broker url instance: {}", loaded.errors.front().to_string()));
    return std::nullopt;
  }
  return config::client_url_for(loaded.config, o.acceptor);
}

std::string advice(client::ErrorKind kind) {
  switch (kind) {
    case client::ErrorKind::connect_failed:
      return "is the broker running (bin/artemis run) and is --url right?";
    case client::ErrorKind::auth_failed:
      return "check --user and --password";
    case client::ErrorKind::connection_lost:
      return "the broker went away; use a failover URL such as (tcp://a:61616,tcp://b:61617)?ha=true";
    case client::ErrorKind::timeout:
      return "the broker did not answer in time; check its log";
    case client::ErrorKind::broker_error:
      return "the broker refused the request; check the destination and the user's permissions";
    case client::ErrorKind::transaction_rolled_back:
      return "run again; resent messages are dropped as duplicates by the broker";
    case client::ErrorKind::protocol_error:
      return "is --url pointing at a broker port that accepts STOMP?";
    case client::ErrorKind::invalid_argument:
      return "check the options";
  }
  return "";
}

}  // namespace

std::string describe_failure(const char* command, const std::exception& e) {
  if (const auto* ce = dynamic_cast<const client::ClientError*>(&e))
    return fmt::format("artemis {}: {} ({})", command, ce->what(), advice(ce->kind()));
  return fmt::format("artemis {}: {}", command, e.what());
}

std::unique_ptr<ClientSetup> prepare_client(const char* command, Context& ctx, const ClientOptions& o,
                                            Printer& out) {
  const auto protocol = util::to_lower(o.protocol);
  if (protocol != "stomp" && protocol != "core" && protocol != "amqp" && protocol != "mqtt") {
    out.error(
        fmt::format("artemis {}: --protocol {} is not supported by this client; use --protocol "
                    "stomp (the default), amqp or mqtt, which the broker's all-protocols "
                    "acceptor speaks",
                    command, o.protocol));
    ctx.exit_code = 1;
    return nullptr;
  }
  auto setup = std::make_unique<ClientSetup>();
  if (o.url) setup->url_text = *o.url;
  else setup->url_text = url_from_instance(ctx, o, out).value_or("tcp://localhost:61616");
  if (!o.silent) out.line("Connection brokerURL = " + setup->url_text);
  auto parsed = client::parse_url(setup->url_text);
  if (!parsed.value) {
    out.error(fmt::format("artemis {}: invalid --url: {}", command, parsed.error));
    ctx.exit_code = 1;
    return nullptr;
  }
  if (o.verbose && !parsed.value->ignored.empty())
    out.line(fmt::format("Ignoring unknown URL parameters: {}", fmt::join(parsed.value->ignored, ", ")));
  setup->destination = client::Destination::parse(o.destination);
  if (setup->destination.name.empty()) {
    out.error(fmt::format("artemis {}: --destination '{}' names no queue or topic", command, o.destination));
    ctx.exit_code = 1;
    return nullptr;
  }
  client::ConnectionOptions co;
  co.protocol = protocol == "amqp"   ? client::Protocol::amqp
                : protocol == "mqtt" ? client::Protocol::mqtt
                                     : client::Protocol::stomp;
  co.url = *parsed.value;
  co.user = o.user;
  co.password = o.password;
  co.client_id = o.client_id;
  co.on_event = [&out](const std::string& text) { out.error(text); };
  setup->connection = std::make_unique<client::Connection>(std::move(co));
  if (!o.client_id.empty()) out.line("Consumer:: clientID = " + o.client_id);
  try {
    setup->connection->probe();
  } catch (const std::exception& e) {
    out.error(describe_failure(command, e));
    ctx.exit_code = 1;
    return nullptr;
  }
  return setup;
}

std::string thread_name(const char* role, const client::Destination& d, int index) {
  return fmt::format("{} {}, thread={}", role, d.to_string(), index);
}

std::int64_t elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since)
      .count();
}

void print_elapsed(Printer& out, const std::string& name, std::int64_t ms) {
  out.line(fmt::format("{} Elapsed time in second : {} s", name, ms / 1000));
  out.line(fmt::format("{} Elapsed time in milli second : {} milli seconds", name, ms));
}

}  // namespace artemis::cli
