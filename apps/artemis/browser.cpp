// `artemis browser` (cli.md §4.6): shows up to --message-count messages of a queue without
// consuming them. STOMP has no browse frame, so the browser subscribes with the header
// `browser:true`: the broker sends a snapshot of the queue and then a MESSAGE with
// `browser:end` (README "Clients and failover").
#include <fmt/core.h>

#include <chrono>
#include <sstream>
#include <thread>
#include <vector>

#include "client/session.hpp"
#include "client_options.hpp"

namespace artemis::cli {

namespace {

struct BrowserOptions {
  ClientOptions common;
  std::string filter;
  int receive_timeout = 1000;  // the queue counts as fully browsed after this much silence
};

int run_thread(const BrowserOptions& o, ClientSetup& setup, int index, Printer& out) {
  const auto name = thread_name("Browser", setup.destination, index);
  int browsed = 0;
  try {
    auto session = setup.connection->create_session(client::Transacted::no);
    client::ConsumerOptions co;
    co.selector = o.filter;
    co.browse = true;
    auto consumer = session->create_consumer(setup.destination, co);
    out.line(fmt::format("{} trying to browse {} messages", name, o.common.message_count));
    while (browsed < o.common.message_count) {
      auto m = consumer.receive(std::chrono::milliseconds(o.receive_timeout));
      if (!m) break;
      ++browsed;
      out.line(fmt::format("{} browsing {}", name, m->type == client::BodyType::text ? m->body : m->message_id));
      if (o.common.verbose) {
        std::ostringstream details;
        details << *m;
        out.line("..." + details.str());
      }
      if (o.common.sleep_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o.common.sleep_ms));
    }
    session->close();
    out.line(fmt::format("{} browsed: {} messages", name, browsed));
    out.line(name + " Browser thread finished");
    return 0;
  } catch (const std::exception& e) {
    out.error(fmt::format("{} failed after {} messages: {}", name, browsed, describe_failure("browser", e)));
    return 1;
  }
}

}  // namespace

void register_browser(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<BrowserOptions>();
  auto* cmd = app.add_subcommand("browser", "Browse messages on a queue without consuming them.");
  add_connection_options(*cmd, o->common);
  add_destination_options(*cmd, o->common);
  cmd->add_option("--filter", o->filter, "Message selector, e.g. \"count > 10\"");
  cmd->add_option("--receive-timeout", o->receive_timeout,
                  "Milliseconds without a message after which the queue counts as browsed")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->callback([&ctx, o] {
    Printer out;
    if (client::Destination::parse(o->common.destination).kind == client::DestinationKind::topic) {
      out.error("artemis browser: topics cannot be browsed; use --destination queue://NAME");
      ctx.exit_code = 1;
      return;
    }
    auto setup = prepare_client("browser", ctx, o->common, out);
    if (!setup) return;
    out.line("Consumer:: filter = " + (o->filter.empty() ? std::string("null") : o->filter));
    std::vector<std::thread> threads;
    std::vector<int> results(static_cast<std::size_t>(o->common.threads), 0);
    for (int t = 0; t < o->common.threads; ++t)
      threads.emplace_back([&, t] { results[static_cast<std::size_t>(t)] = run_thread(*o, *setup, t, out); });
    for (auto& th : threads) th.join();
    for (int r : results)
      if (r != 0) ctx.exit_code = 1;
  });
}

}  // namespace artemis::cli
