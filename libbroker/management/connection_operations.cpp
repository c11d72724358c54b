// The `broker` resource's connection operations (Artemis's listConnections, listSessions,
// listConsumers, getConnectionCount, closeConnectionsForAddress, closeConnectionsForUser), over
// the client sessions the PostOffice knows (one core session per protocol connection).
#include <fmt/core.h>

#include <ctime>
#include <map>
#include <set>

#include "core/server_session.hpp"
#include "management/resources.hpp"
#include "management/views.hpp"

namespace artemis::management {
namespace {

using nlohmann::json;

// "Mon Dec 07 16:05:58 UTC 2026", as Java's Date.toString shows a connection's creation time.
std::string java_date(std::int64_t epoch_ms) {
  const std::time_t t = epoch_ms / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[64];
  std::strftime(out, sizeof out, "%a %b %d %H:%M:%S UTC %Y", &tm);
  return out;
}

json list_connections(const Call& c) {
  if (c.args.size() != 3) throw no_operation("listConnections", c.args);
  std::vector<json> items;
  for (const auto& [id, v] : connections(c.ctx.post_office)) {
    std::string users;
    for (const auto& u : v.users) users += (users.empty() ? "" : ",") + u;
    const auto& o = v.first->options();
    items.push_back({{"connectionID", std::to_string(id)},
                     {"remoteAddress", o.remote_address},
                     {"users", users},
                     {"creationTime", java_date(v.first->created_ms())},
                     {"protocol", o.protocol},
                     {"clientID", v.first->client_id()},
                     {"localAddress", ""},
                     {"sessionCount", v.sessions}});
  }
  return json_text(list_view(std::move(items), c.args.text(0), c.args.integer(1), c.args.integer(2),
                             {"sessionCount"}));
}

// listSessions(options, page, pageSize): Artemis's session view (no producer count: the core
// keeps no producers, a send names its address itself).
json list_sessions(const Call& c) {
  if (c.args.size() != 3) throw no_operation("listSessions", c.args);
  std::vector<json> items;
  for (const core::ServerSession* s : c.ctx.post_office.sessions()) {
    const std::string user = s->logged_in() ? s->subject().user : "";
    items.push_back({{"id", std::to_string(s->id())},
                     {"connectionID", std::to_string(s->connection_id())},
                     {"consumerCount", std::to_string(s->consumer_count())},
                     {"user", user},
                     {"validatedUser", user},
                     {"protocol", s->options().protocol},
                     {"clientID", s->client_id()},
                     {"localAddress", ""},
                     {"remoteAddress", s->options().remote_address},
                     {"creationTime", java_date(s->created_ms())}});
  }
  return json_text(list_view(std::move(items), c.args.text(0), c.args.integer(1), c.args.integer(2),
                             {"id", "connectionID", "consumerCount"}));
}

// listConsumers(options, page, pageSize): Artemis's consumer view, every value a string.
json list_consumers(const Call& c) {
  if (c.args.size() != 3) throw no_operation("listConsumers", c.args);
  std::vector<json> items;
  for (const core::ServerSession* s : c.ctx.post_office.sessions()) {
    const auto& o = s->options();
    const std::string user = s->logged_in() ? s->subject().user : "";
    s->for_each_consumer([&](std::uint64_t id, const core::ServerConsumer& consumer) {
      const auto& q = consumer.queue();
      const auto& filter = consumer.filter();
      items.push_back({{"id", std::to_string(id)},
                       {"session", std::to_string(s->id())},
                       {"connection", std::to_string(s->connection_id())},
                       {"queue", q.name()},
                       {"queueType", config::to_string(q.routing_type())},
                       {"address", q.address()},
                       {"filter", filter ? filter->text() : ""},
                       {"user", user},
                       {"validatedUser", user},
                       {"protocol", o.protocol},
                       {"clientID", s->client_id()},
                       {"localAddress", ""},
                       {"remoteAddress", o.remote_address},
                       {"browseOnly", "false"},
                       {"creationTime", java_date(s->created_ms())},
                       {"messagesInTransit", std::to_string(consumer.delivering_count())},
                       {"messagesInTransitSize", std::to_string(consumer.delivering_bytes())}});
    });
  }
  return json_text(list_view(std::move(items), c.args.text(0), c.args.integer(1), c.args.integer(2),
                             {"id", "connection", "messagesInTransit", "messagesInTransitSize"}));
}

json connection_count(const Call& c) {
  return static_cast<std::int64_t>(connections(c.ctx.post_office).size());
}

json close_for_address(const Call& c) {
  if (c.args.size() != 1) throw no_operation("closeConnectionsForAddress", c.args);
  const auto ip = c.args.text(0);
  return c.ctx.post_office.close_connections([&](const core::ServerSession& s) {
    return !ip.empty() && s.options().remote_address.find(ip) != std::string::npos;
  });
}

json close_for_user(const Call& c) {
  if (c.args.size() != 1) throw no_operation("closeConnectionsForUser", c.args);
  const auto user = c.args.text(0);
  return c.ctx.post_office.close_connections(
      [&](const core::ServerSession& s) { return s.logged_in() && s.subject().user == user; });
}

}  // namespace

void add_connection_operations(OperationTable& t) {
  t["listConnections"] = {list_connections, 601108, "listing connections", false};
  t["listSessions"] = {list_sessions, 601106, "listing sessions", false};
  t["listConsumers"] = {list_consumers, 601109, "listing consumers", false};
  t["getConnectionCount"] = {connection_count, 601076, "getting connection count", false};
  t["closeConnectionsForAddress"] = {close_for_address, 601099, "closing connections for address",
                                     true};
  t["closeConnectionsForUser"] = {close_for_user, 601101, "closing connections for user", true};
}

}  // namespace artemis::management
