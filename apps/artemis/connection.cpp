// `artemis connection list|close`: Artemis has no CLI command for these; they call the
// management operations an Artemis operator reaches through its console (listConnections,
// closeConnectionsForAddress, closeConnectionsForUser). `list` prints a table as `queue stat`
// draws one, or one JSON object per connection with --json.
#include <fmt/core.h>

#include <algorithm>
#include <iostream>

#include "management_commands.hpp"

namespace artemis::cli {
namespace {

struct ConnectionOptions {
  ClientOptions common;
  bool json = false;
  std::string address;
  std::string user_to_close;
};

constexpr std::pair<const char*, const char*> kColumns[] = {{"CONNECTION_ID", "connectionID"},
                                                            {"REMOTE_ADDRESS", "remoteAddress"},
                                                            {"USERS", "users"},
                                                            {"PROTOCOL", "protocol"},
                                                            {"CLIENT_ID", "clientID"},
                                                            {"SESSIONS", "sessionCount"},
                                                            {"CREATION_TIME", "creationTime"}};

std::string cell(const nlohmann::json& row, const char* key) {
  const auto it = row.find(key);
  if (it == row.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

void print_table(const nlohmann::json& rows, Printer& out) {
  std::vector<std::size_t> width;
  for (const auto& [title, key] : kColumns) {
    std::size_t w = std::string_view(title).size();
    for (const auto& r : rows) w = std::max(w, cell(r, key).size());
    width.push_back(w);
  }
  auto line = [&](auto&& text_of) {
    std::string s = "|";
    for (std::size_t i = 0; i < std::size(kColumns); ++i)
      s += fmt::format("{:<{}}|", text_of(i), width[i]);
    out.line(s);
  };
  line([](std::size_t i) { return std::string(kColumns[i].first); });
  for (const auto& r : rows) line([&](std::size_t i) { return cell(r, kColumns[i].second); });
}

}  // namespace

void register_connection(CLI::App& app, Context& ctx) {
  auto* connection = app.add_subcommand(
      "connection", "List the broker's client connections or close some (management).");
  connection->require_subcommand(1);

  auto list = std::make_shared<ConnectionOptions>();
  auto* l = connection->add_subcommand("list", "List the client connections.");
  add_connection_options(*l, list->common);
  l->add_flag("--json", list->json, "One JSON object per connection, for scripts");
  l->callback([&ctx, o = list] {
    auto options = o->common;
    options.silent = options.silent || o->json;
    with_management("connection list", ctx, options, [&](ManagementClient& m, Printer& out) {
      const auto r = m.invoke("broker", "listConnections", {"", -1, -1});
      if (!r.succeeded) {
        out.error("Failed to list connections. Reason: " + r.text());
        return;
      }
      const auto listing = nlohmann::json::parse(r.text(), nullptr, false);
      const auto rows = listing.is_object() ? listing.value("data", nlohmann::json::array())
                                            : nlohmann::json::array();
      if (o->json)
        for (const auto& row : rows) out.line(row.dump());
      else
        print_table(rows, out);
    });
  });

  auto close = std::make_shared<ConnectionOptions>();
  auto* c = connection->add_subcommand(
      "close", "Close the connections from an address (--address) or of a user (--user-name).");
  add_connection_options(*c, close->common);
  auto* by_address = c->add_option("--address", close->address,
                                   "Close the connections whose remote address contains this");
  auto* by_user = c->add_option("--user-name", close->user_to_close,
                                "Close the connections logged in as this user");
  by_address->excludes(by_user);
  c->callback([&ctx, o = close] {
    if (o->address.empty() && o->user_to_close.empty()) {
      std::cerr << "connection close: give --address or --user-name\n";
      ctx.exit_code = 1;
      return;
    }
    with_management("connection close", ctx, o->common, [&](ManagementClient& m, Printer& out) {
      const bool by_address = !o->address.empty();
      const auto what = by_address ? o->address : o->user_to_close;
      const auto r = m.invoke(
          "broker", by_address ? "closeConnectionsForAddress" : "closeConnectionsForUser", {what});
      if (r.succeeded)
        out.line(r.result == true ? fmt::format("Connections of {} closed.", what)
                                  : fmt::format("No connection of {}.", what));
      else
        out.error(fmt::format("Failed to close the connections of {}. Reason: {}", what, r.text()));
    });
  });
}

}  // namespace artemis::cli
