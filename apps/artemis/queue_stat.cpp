// `artemis queue stat` (cli.md §5.2): the broker's listQueues as a table, filtered by
// --queueName or --field/--operation/--value, optionally in a loop.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

#include "management_client.hpp"
#include "management_commands.hpp"

namespace artemis::cli {
namespace {

struct Field {
  const char* title;  // the column title; also what --field names (or its JSON key)
  const char* key;    // the JSON key of listQueues' objects
  bool centred;
};
constexpr Field kFields[] = {
    {"NAME", "name", false},
    {"ADDRESS", "address", false},
    {"CONSUMER_COUNT", "consumerCount", true},
    {"MESSAGE_COUNT", "messageCount", true},
    {"MESSAGES_ADDED", "messagesAdded", true},
    {"DELIVERING_COUNT", "deliveringCount", true},
    {"MESSAGES_ACKED", "messagesAcked", true},
    {"SCHEDULED_COUNT", "scheduledCount", true},
    {"ROUTING_TYPE", "routingType", true},
    {"INTERNAL", "internalQueue", true},
};
constexpr const char* kOperations[] = {"CONTAINS", "NOT_CONTAINS", "EQUALS", "GREATER_THAN",
                                       "LESS_THAN"};
constexpr std::string_view kManagementQueue = "activemq.management";

struct StatOptions {
  ClientOptions common;
  std::string queue_name, field, operation, value;
  int max_rows = 50;
  int max_column_size = 25;
  bool include_management = false;
  bool clustered = false;
  bool loop = false;
  std::optional<int> sleep_ms;
  bool single_line_header = false;
  bool json = false;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t at = 0;
  for (auto next = s.find(sep); next != std::string::npos; next = s.find(sep, at)) {
    out.push_back(s.substr(at, next - at));
    at = next + 1;
  }
  out.push_back(s.substr(at));
  return out;
}

const Field* find_field(const std::string& name) {
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  for (const auto& f : kFields)
    if (lower(f.key) == lower(name) || f.title == name) return &f;
  return nullptr;
}

// The filter JSON Artemis's queue stat sends; nullopt (after the message) when the options
// contradict each other.
std::optional<nlohmann::json> filter_of(const StatOptions& o, Printer& out) {
  if (!o.field.empty() && !o.queue_name.empty()) {
    out.error("'--field' and '--queueName' cannot be specified together.");
    return std::nullopt;
  }
  if (!o.queue_name.empty())
    return nlohmann::json{{"field", "name"}, {"operation", "CONTAINS"}, {"value", o.queue_name}};
  if (o.field.empty()) return nlohmann::json{{"field", ""}, {"operation", ""}, {"value", ""}};
  const Field* f = find_field(o.field);
  if (f == nullptr) {
    std::string all = "[";
    for (const auto& x : kFields) all += fmt::format("{}{}", all.size() > 1 ? ", " : "", x.title);
    out.error(fmt::format("'--field' must be set to one of the following {}]", all));
    return std::nullopt;
  }
  if (o.value.empty()) {
    out.error("'--value' needs to be set when '--field' is specified");
    return std::nullopt;
  }
  std::string ops = "[";
  for (const char* op : kOperations) ops += fmt::format("{}{}", ops.size() > 1 ? ", " : "", op);
  ops += "]";
  if (o.operation.empty()) {
    out.error("'--operation' must be set when '--field' is specified " + ops);
    return std::nullopt;
  }
  if (std::none_of(std::begin(kOperations), std::end(kOperations),
                   [&](const char* op) { return o.operation == op; })) {
    out.error("'--operation' must be set to one of the following " + ops);
    return std::nullopt;
  }
  return nlohmann::json{{"field", f->key}, {"operation", o.operation}, {"value", o.value}};
}

// A management client's reply queue: named after its address activemq.management.<uuid> by
// Artemis's requestor, by the broker's temporary-queue name here, so both are looked at.
bool hidden(const StatOptions& o, const nlohmann::json& queue) {
  if (o.include_management) return false;
  for (const char* key : {"name", "address"})
    if (queue.value(key, std::string()).find(kManagementQueue) != std::string::npos) return true;
  return false;
}

void print_table(const StatOptions& o, const nlohmann::json& listing, Printer& out) {
  constexpr std::size_t n = std::size(kFields);
  std::vector<std::vector<std::string>> titles(n);
  std::vector<std::size_t> width(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    titles[i] = o.single_line_header ? std::vector<std::string>{kFields[i].title}
                                     : split(kFields[i].title, '_');
    for (const auto& w : titles[i]) width[i] = std::max(width[i], w.size());
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& q : listing.value("data", nlohmann::json::array())) {
    if (hidden(o, q)) continue;
    std::vector<std::string> row;
    for (std::size_t i = 0; i < n; ++i) {
      row.push_back(q.value(kFields[i].key, std::string()));
      width[i] = std::max(width[i], row.back().size());
    }
    rows.push_back(std::move(row));
  }
  if (o.max_column_size > 0)
    for (auto& w : width) w = std::min(w, static_cast<std::size_t>(o.max_column_size));
  // One logical row: cells wider than their column continue on further lines, indented by 2.
  auto emit = [&](const std::vector<std::string>& cells) {
    std::vector<std::string> rest(cells);
    for (bool first = true;
         first || std::any_of(rest.begin(), rest.end(), [](const auto& s) { return !s.empty(); });
         first = false) {
      std::string line = "|";
      for (std::size_t i = 0; i < n; ++i) {
        const std::string indent = first || rest[i].empty() ? "" : "  ";
        const auto room = width[i] - indent.size();
        std::string cell = indent + rest[i].substr(0, room);
        rest[i] = rest[i].size() > room ? rest[i].substr(room) : "";
        const auto pad = width[i] - std::min(width[i], cell.size());
        const auto left = kFields[i].centred ? pad / 2 : 0;
        line += std::string(left, ' ') + cell + std::string(pad - left, ' ') + "|";
      }
      out.line(line);
    }
  };
  std::size_t header_lines = 0;
  for (const auto& t : titles) header_lines = std::max(header_lines, t.size());
  for (std::size_t l = 0; l < header_lines; ++l) {
    std::vector<std::string> cells;
    for (const auto& t : titles) cells.push_back(l < t.size() ? t[l] : "");
    emit(cells);
  }
  for (const auto& r : rows) emit(r);
  const auto count = listing.value("count", 0);
  if (count > o.max_rows)
    out.line(
        fmt::format("WARNING: the displayed queues are {}/{}, set maxRows to display more queues.",
                    o.max_rows, count));
}

void stat_once(const StatOptions& o, ManagementClient& client, const nlohmann::json& filter,
               Printer& out) {
  const auto reply = client.invoke("broker", "listQueues", {filter.dump(), 1, o.max_rows});
  if (!reply.succeeded) {
    out.error("Failed to get Stats for Queues. Reason: " + reply.text());
    return;
  }
  const auto listing = nlohmann::json::parse(reply.text(), nullptr, false);
  if (listing.is_discarded()) {
    out.error("Failed to get Stats for Queues. Reason: the reply is no JSON: " + reply.text());
    return;
  }
  if (o.json) {
    for (const auto& q : listing.value("data", nlohmann::json::array()))
      if (!hidden(o, q)) out.line(q.dump());
    return;
  }
  print_table(o, listing, out);
}

}  // namespace

void add_queue_stat(CLI::App& queue, Context& ctx) {
  auto o = std::make_shared<StatOptions>();
  auto* cmd = queue.add_subcommand(
      "stat",
      "Print basic stats of queues: CONSUMER_COUNT, MESSAGE_COUNT (including scheduled and in "
      "delivery), MESSAGES_ADDED, DELIVERING_COUNT, MESSAGES_ACKED, SCHEDULED_COUNT. Filter with "
      "EITHER --queueName X OR --field NAME --operation EQUALS --value X.");
  add_connection_options(*cmd, o->common);
  cmd->add_option("--queueName", o->queue_name, "Queues whose name contains this string");
  cmd->add_option("--field", o->field,
                  "Field to filter: NAME, ADDRESS, CONSUMER_COUNT, MESSAGE_COUNT, MESSAGES_ADDED, "
                  "DELIVERING_COUNT, MESSAGES_ACKED, SCHEDULED_COUNT, ROUTING_TYPE, INTERNAL");
  cmd->add_option("--operation", o->operation,
                  "CONTAINS, NOT_CONTAINS, EQUALS, GREATER_THAN or LESS_THAN");
  cmd->add_option("--value", o->value, "The value to filter with");
  cmd->add_option("--maxRows", o->max_rows, "The most queues shown")->capture_default_str();
  cmd->add_option("--maxColumnSize", o->max_column_size, "The widest a column gets; -1: no limit")
      ->capture_default_str();
  cmd->add_flag("--clustered", o->clustered,
                "Head the report with the node it comes from (this broker's topology has no "
                "other live node to ask)");
  cmd->add_flag("--include-management", o->include_management,
                "Also show the management reply queues (activemq.management.*)");
  cmd->add_flag("--loop", o->loop, "Repeat until interrupted, every --sleep ms");
  cmd->add_option_function<int>(
      "--sleep,--loop-sleep", [o](int ms) { o->sleep_ms = ms; },
      "Milliseconds between iterations (default 60000; implies --loop)");
  cmd->add_flag("--single-line-header", o->single_line_header, "Titles on one line");
  cmd->add_flag("--json", o->json, "One JSON object per queue, for scripts");
  cmd->callback([&ctx, o] {
    Printer out;
    int widest = 0;
    for (const auto& f : kFields)
      for (const auto& w :
           o->single_line_header ? std::vector<std::string>{f.title} : split(f.title, '_'))
        widest = std::max(widest, static_cast<int>(w.size()));
    if (o->max_column_size != -1 && o->max_column_size < widest) {
      out.error(fmt::format("maxColumnSize must be {} or greater or -1 (i.e. no limit).", widest));
      ctx.exit_code = 1;
      return;
    }
    const auto filter = filter_of(*o, out);
    if (!filter) return;  // Artemis exits 0 here too
    auto options = o->common;
    options.silent = options.silent || o->json;
    auto client = ManagementClient::open("queue stat", ctx, options, out);
    if (!client) return;
    const bool loop = o->loop || o->sleep_ms.has_value();
    const int sleep_ms = o->sleep_ms.value_or(60000);
    try {
      for (bool first = true; first || loop; first = false) {
        if (!first) {
          out.line(fmt::format("Waiting {} before another queue stat iteration", sleep_ms));
          std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
        }
        if (loop) {
          const auto now = std::time(nullptr);
          char date[64];
          std::strftime(date, sizeof date, "%a %b %d %H:%M:%S %Z %Y", std::localtime(&now));
          out.line(fmt::format("{}>> Queue stat results for {}", date,
                               ctx.instance ? ctx.instance->string() : std::string("null")));
        }
        if (o->clustered) {
          const auto id = client->attribute("broker", "NodeID");
          out.line(fmt::format(">>> Queue stats on node {}, url={}", id.text(), client->url()));
        }
        stat_once(*o, *client, *filter, out);
      }
    } catch (const std::exception& e) {
      out.error(describe_failure("queue stat", e));
      ctx.exit_code = 1;
    }
  });
}

}  // namespace artemis::cli
