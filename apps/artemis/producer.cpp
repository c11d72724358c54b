// `artemis producer` (cli.md §4.4): sends --message-count messages per thread, one session per
// thread, persistent by default, each with properties `count` (index in the thread) and
// `ThreadSent` (the thread name).
//
// Deliberate differences from Artemis (README "Clients and failover"): with --commit-interval N
// every transaction holds exactly N messages (Artemis's first one holds N+1); a transaction
// rolled back by failover is sent again (same duplicate ids) instead of being lost; any failure
// makes the command exit 1 (Artemis prints a stack trace and exits 0).
#include <fmt/core.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "client/errors.hpp"
#include "client/session.hpp"
#include "client_options.hpp"
#include "message_xml.hpp"
#include "util/strings.hpp"

namespace artemis::cli {

namespace {

struct ProducerOptions {
  ClientOptions common;
  int commit_interval = 0;
  int txt_size = 0;  // deprecated name of --commit-interval
  bool non_persistent = false;
  int message_size = 0;
  int text_size = 0;
  int object_size = 0;
  std::string message;
  std::int64_t msgttl = 0;
  std::string group;
  std::string properties;
  std::string data;  // --data: the messages come from this file
};

struct Property {
  std::string key;
  std::string value;
};

constexpr int kMaxReplays = 10;  // a transaction re-sent after this many failovers gives up

// Filler for --text-size: our own sentence, repeated and cut to the requested length.
std::string filler_text(std::size_t size) {
  static const std::string sentence =
      "Messages travel through queues and topics while the broker keeps them safe on disk. ";
  std::string out;
  out.reserve(size);
  while (out.size() < size) out += sentence;
  out.resize(size);
  return out;
}

// --properties '[{"type":"int","key":"k","value":1}, ...]'. Unknown types are reported and
// skipped, as Artemis does; anything that is not such an array is an error.
bool parse_properties(const std::string& text, std::vector<Property>& out, Printer& printer) {
  if (text.empty()) return true;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    printer.error(fmt::format("artemis producer: --properties is not valid JSON: {}", e.what()));
    return false;
  }
  if (!j.is_array()) {
    printer.error(R"(artemis producer: --properties expects a JSON array like [{"type":"int","key":"k","value":1}])");
    return false;
  }
  static const char* const types[] = {"boolean", "byte", "short", "int", "long", "float", "double", "string"};
  for (const auto& item : j) {
    if (!item.is_object() || !item.contains("key") || !item.contains("value") || !item.contains("type") ||
        !item["key"].is_string() || !item["type"].is_string()) {
      printer.error(R"(artemis producer: each --properties entry needs "type", "key" and "value")");
      return false;
    }
    const auto key = item["key"].get<std::string>();
    const auto type = util::to_lower(item["type"].get<std::string>());
    if (std::find(std::begin(types), std::end(types), type) == std::end(types)) {
      printer.error(fmt::format("Unable to set property: {}. Did not recognize type: {}. Supported types "
                                "are: boolean, byte, short, int, long, float, double, string.",
                                key, item["type"].get<std::string>()));
      continue;
    }
    const auto& v = item["value"];
    out.push_back({key, v.is_string() ? v.get<std::string>() : v.dump()});
  }
  return true;
}

client::Message make_message(const ProducerOptions& o, const std::vector<Property>& props,
                             const std::string& name, int index) {
  client::Message m;
  if (o.message_size > 0) {
    m.type = client::BodyType::bytes;
    m.body.assign(static_cast<std::size_t>(o.message_size), '.');
  } else if (o.text_size > 0 || o.object_size > 0) {
    m.body = filler_text(static_cast<std::size_t>(o.text_size > 0 ? o.text_size : o.object_size));
  } else if (!o.message.empty()) {
    m.body = o.message;
  } else {
    m.body = fmt::format("test message: {}", index);
  }
  m.delivery = o.non_persistent ? client::Delivery::non_persistent : client::Delivery::persistent;
  if (o.msgttl > 0) {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    m.expiration_ms = now.count() + o.msgttl;
  }
  m.group_id = o.group;
  for (const auto& p : props) m.properties[p.key] = p.value;
  m.properties["count"] = std::to_string(index);
  m.properties["ThreadSent"] = name;
  return m;
}

// Sends `batch` and commits it; a rollback caused by failover sends the same messages again.
void commit_batch(client::Session& session, client::Producer& producer, std::vector<client::Message>& batch,
                  const std::string& name, int tx_index, Printer& out) {
  for (int replay = 0;; ++replay) {
    try {
      session.commit();
      return;
    } catch (const client::ClientError& e) {
      if (e.kind() != client::ErrorKind::transaction_rolled_back || replay >= kMaxReplays) throw;
      out.error(fmt::format("{} transaction {} rolled back by failover; sending its {} messages again",
                            name, tx_index, batch.size()));
      for (auto& m : batch) producer.send(m);
    }
  }
}

int run_thread(const ProducerOptions& o, ClientSetup& setup, const std::vector<Property>& props, int index,
               Printer& out, ProgressDisplay& progress) {
  const auto name = thread_name("Producer", setup.destination, index);
  const int interval = o.commit_interval > 0 ? o.commit_interval : o.txt_size;
  int produced = 0;
  try {
    auto session = setup.connection->create_session(interval > 0 ? client::Transacted::yes : client::Transacted::no);
    auto producer = session->create_producer(setup.destination);
    // Sends go out in batches, whenever the session waits for the broker and before each pause.
    session->hold_writes(true);
    out.line(name + " Started to calculate elapsed time ...\n");
    const auto start = std::chrono::steady_clock::now();
    std::vector<client::Message> batch;
    int tx_index = 0;
    for (int i = 0; i < o.common.message_count; ++i) {
      auto m = make_message(o, props, name, i);
      producer.send(m);
      ++produced;
      progress.add();
      if (o.common.verbose)
        out.line(fmt::format("{} Sent: {}", name,
                             m.type == client::BodyType::text ? m.body : "ID:" + m.duplicate_id()));
      if (interval > 0) {
        batch.push_back(std::move(m));
        if (static_cast<int>(batch.size()) == interval) {
          out.line(fmt::format("{} Committing transaction: {}", name, tx_index));
          commit_batch(*session, producer, batch, name, tx_index++, out);
          batch.clear();
        }
      }
      if (o.common.sleep_ms > 0) {
        session->release_writes();
        std::this_thread::sleep_for(std::chrono::milliseconds(o.common.sleep_ms));
      }
    }
    if (interval > 0 && !batch.empty()) commit_batch(*session, producer, batch, name, tx_index, out);
    session->flush();
    session->close();
    out.line(fmt::format("{} Produced: {} messages", name, produced));
    print_elapsed(out, name, elapsed_ms(start));
    return 0;
  } catch (const std::exception& e) {
    out.error(fmt::format("{} failed after {} messages: {}", name, produced, describe_failure("producer", e)));
    return 1;
  }
}

// --data: the file's messages in order, persistent, in one transaction on one session;
// `Sent N Messages.` as Artemis prints it. The other message options do not apply.
int send_file(const ProducerOptions& o, ClientSetup& setup, Printer& out) {
  std::string error;
  auto messages = read_message_xml(o.data, error);
  if (!messages) {
    out.error("Error: Unable to read the messages of " + error);
    return 1;
  }
  try {
    auto session = setup.connection->create_session(client::Transacted::yes);
    auto producer = session->create_producer(setup.destination);
    for (auto& m : *messages) {
      m.delivery = client::Delivery::persistent;
      producer.send(m);
    }
    session->commit();
    session->close();
  } catch (const std::exception& e) {
    out.error("Error occurred during import.  Rolling back.");
    out.error(describe_failure("producer", e));
    return 1;
  }
  out.line(fmt::format("Sent {} Messages.", messages->size()));
  return 0;
}

}  // namespace

void register_producer(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ProducerOptions>();
  auto* cmd = app.add_subcommand("producer", "Send message(s) to a broker.");
  add_connection_options(*cmd, o->common);
  add_destination_options(*cmd, o->common);
  cmd->add_option("--commit-interval", o->commit_interval, "Messages per transaction (0: no transaction)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--txt-size", o->txt_size)->group("")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--non-persistent", o->non_persistent, "Send non-persistent messages");
  cmd->add_option("--message-size", o->message_size, "Bytes message of this many bytes")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--text-size", o->text_size, "Text message of this many characters")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--object-size", o->object_size, "Sent as a text message of this size (no Java objects)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--message", o->message, "Text body of every message");
  cmd->add_option("--msgttl", o->msgttl, "Time to live in milliseconds")->check(CLI::NonNegativeNumber);
  cmd->add_option("--group", o->group, "Message group (JMSXGroupID)");
  cmd->add_option("--properties", o->properties,
                  R"(JSON array of properties: [{"type":"int","key":"k","value":1}])");
  cmd->add_option("--data", o->data,
                  "Messages will be read from the specified file (as consumer --data writes it). "
                  "Other message options will be ignored.");
  cmd->callback([&ctx, o] {
    Printer out;
    if (o->commit_interval > 0 && o->txt_size > 0) {
      out.error("Either select --txt-size or --commit-interval. Cannot use both!");
      ctx.exit_code = 1;
      return;
    }
    if (o->txt_size > 0) out.error("--txt-size is deprecated, please use --commit-interval");
    std::vector<Property> props;
    if (!parse_properties(o->properties, props, out)) {
      ctx.exit_code = 1;
      return;
    }
    auto setup = prepare_client("producer", ctx, o->common, out);
    if (!setup) return;
    if (!o->data.empty()) {
      ctx.exit_code = send_file(*o, *setup, out);
      return;
    }
    ProgressDisplay progress(out, "Produced", static_cast<std::int64_t>(o->common.message_count) * o->common.threads,
                             !o->common.silent && !o->common.verbose);
    std::vector<std::thread> threads;
    std::vector<int> results(static_cast<std::size_t>(o->common.threads), 0);
    for (int t = 0; t < o->common.threads; ++t)
      threads.emplace_back([&, t] { results[static_cast<std::size_t>(t)] = run_thread(*o, *setup, props, t, out, progress); });
    for (auto& th : threads) th.join();
    for (int r : results)
      if (r != 0) ctx.exit_code = 1;
  });
}

}  // namespace artemis::cli
