// `artemis consumer` (cli.md §4.5): receives up to --message-count messages per thread, one
// session per thread. Without --break-on-null it keeps waiting until the count is reached.
//
// Deliberate differences from Artemis (README "Clients and failover"): both `Consumed:` lines
// print the number really received (Artemis's first one repeats --message-count); the thread
// also reports messages it saw twice (same _AMQ_DUPL_ID, e.g. redelivered after a failover);
// a failure makes the command exit 1.
#include <fmt/core.h>

#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "client/errors.hpp"
#include "client/session.hpp"
#include "client_options.hpp"
#include "message_xml.hpp"

namespace artemis::cli {

namespace {

struct ConsumerOptions {
  ClientOptions common;
  int commit_interval = 0;
  int txt_size = 0;
  int receive_timeout = 3000;
  bool break_on_null = false;
  bool durable = false;
  std::string filter;
  std::string data;  // --data: every message consumed is written to this file
};

int run_thread(const ConsumerOptions& o, ClientSetup& setup, int index, Printer& out,
               ProgressDisplay& progress, MessageXmlWriter* file) {
  const auto name = thread_name("Consumer", setup.destination, index);
  const int interval = o.commit_interval > 0 ? o.commit_interval : o.txt_size;
  const int count = o.common.message_count;
  int received = 0;
  try {
    auto session = setup.connection->create_session(interval > 0 ? client::Transacted::yes : client::Transacted::no);
    client::ConsumerOptions co;
    co.selector = o.filter;
    if (o.durable) co.durable_name = name;
    auto consumer = session->create_consumer(setup.destination, co);
    // Acknowledgements go out in batches, whenever the consumer waits and before each pause.
    session->hold_writes(true);
    out.line(o.receive_timeout < 0
                 ? fmt::format("{} wait forever until {} messages are consumed", name, count)
                 : fmt::format("{} wait {}ms until {} messages are consumed", name, o.receive_timeout, count));
    const auto start = std::chrono::steady_clock::now();
    std::set<std::string> seen;
    int duplicates = 0;
    int tx_index = 0;
    while (received < count) {
      auto m = consumer.receive(std::chrono::milliseconds(o.receive_timeout));
      if (!m) {
        if (o.break_on_null) break;
        continue;
      }
      ++received;
      progress.add();
      if (file != nullptr) file->write(*m);
      if (const auto id = m->duplicate_id(); !id.empty() && !seen.insert(id).second) ++duplicates;
      if (o.common.verbose) {
        const bool text = m->type == client::BodyType::text;
        out.line(fmt::format("{} Received {}", name, text ? m->body : m->message_id));
        out.line(fmt::format("JMS Message ID:{}", m->message_id));
        out.line(text ? fmt::format("Received text sized at {}", m->body.size())
                      : fmt::format("Received bytes sized at {}", m->body.size()));
      } else if (received % 1000 == 0) {
        out.line(fmt::format("Received {}", received));
      }
      if (interval > 0 && received % interval == 0) {
        out.line(fmt::format("{} Committing transaction: {}", name, tx_index++));
        try {
          session->commit();
        } catch (const client::ClientError& e) {
          // Acks are applied by the broker at once (STOMP has no transactional ACK), so a
          // rollback here loses nothing: redelivered messages show up as duplicates.
          if (e.kind() != client::ErrorKind::transaction_rolled_back) throw;
          out.error(fmt::format("{} {}", name, e.what()));
        }
      }
      if (o.common.sleep_ms > 0) {
        session->release_writes();
        std::this_thread::sleep_for(std::chrono::milliseconds(o.common.sleep_ms));
      }
    }
    if (interval > 0) {
      try {
        session->commit();
      } catch (const client::ClientError& e) {
        if (e.kind() != client::ErrorKind::transaction_rolled_back) throw;
      }
    }
    session->close();
    const auto ms = elapsed_ms(start);
    out.line(fmt::format("{} Consumed: {} messages", name, received));
    print_elapsed(out, name, ms);
    out.line(fmt::format("{} Consumed: {} messages", name, received));
    if (duplicates > 0 || o.common.verbose)
      out.line(fmt::format("{} Duplicates: {} messages seen twice (same _AMQ_DUPL_ID)", name, duplicates));
    out.line(name + " Consumer thread finished");
    return 0;
  } catch (const std::exception& e) {
    out.error(fmt::format("{} failed after {} messages: {}", name, received, describe_failure("consumer", e)));
    return 1;
  }
}

}  // namespace

void register_consumer(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ConsumerOptions>();
  auto* cmd = app.add_subcommand("consumer", "Consume messages from a queue or topic.");
  add_connection_options(*cmd, o->common);
  add_destination_options(*cmd, o->common);
  cmd->add_option("--commit-interval", o->commit_interval, "Messages per transaction (0: no transaction)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--txt-size", o->txt_size)->group("")->check(CLI::NonNegativeNumber);
  cmd->add_option("--receive-timeout", o->receive_timeout, "Milliseconds to wait for each message (-1: forever)")
      ->capture_default_str()
      ->check(CLI::Range(-1, 2147483647));
  cmd->add_flag("--break-on-null", o->break_on_null, "Stop the thread at the first receive timeout");
  cmd->add_flag("--durable", o->durable, "Durable topic subscription named after the thread (needs --clientID)");
  cmd->add_option("--filter", o->filter, "Message selector, e.g. \"count > 10\"");
  cmd->add_option("--data", o->data,
                  "Serialize the messages to the specified file as they are consumed (the XML "
                  "that producer --data reads).");
  cmd->callback([&ctx, o] {
    Printer out;
    if (o->commit_interval > 0 && o->txt_size > 0) {
      out.error("Either select --txt-size or --commit-interval. Cannot use both!");
      ctx.exit_code = 1;
      return;
    }
    if (o->txt_size > 0) out.error("--txt-size is deprecated, please use --commit-interval");
    if (o->durable && o->common.client_id.empty()) {
      out.error("artemis consumer: --durable needs --clientID (the subscription is <clientID>.<thread name>)");
      ctx.exit_code = 1;
      return;
    }
    if (o->durable && client::Destination::parse(o->common.destination).kind != client::DestinationKind::topic) {
      out.error("artemis consumer: --durable applies to topics; use --destination topic://NAME");
      ctx.exit_code = 1;
      return;
    }
    MessageXmlWriter file;
    if (!o->data.empty()) {
      std::string error;
      if (!file.open(o->data, error)) {
        out.error(error);
        ctx.exit_code = 1;
        return;
      }
    }
    auto setup = prepare_client("consumer", ctx, o->common, out);
    if (!setup) return;
    out.line("Consumer:: filter = " + (o->filter.empty() ? std::string("null") : o->filter));
    ProgressDisplay progress(out, "Consumed", static_cast<std::int64_t>(o->common.message_count) * o->common.threads,
                             !o->common.silent && !o->common.verbose);
    std::vector<std::thread> threads;
    std::vector<int> results(static_cast<std::size_t>(o->common.threads), 0);
    for (int t = 0; t < o->common.threads; ++t)
      threads.emplace_back([&, t] {
        results[static_cast<std::size_t>(t)] =
            run_thread(*o, *setup, t, out, progress, o->data.empty() ? nullptr : &file);
      });
    for (auto& th : threads) th.join();
    file.close();
    for (int r : results)
      if (r != 0) ctx.exit_code = 1;
  });
}

}  // namespace artemis::cli
