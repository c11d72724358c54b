// ManagementService::metrics: the Prometheus text format, with Artemis's metric names as its
// Prometheus plugin exposes them (artemis.message.count -> artemis_message_count) and its tags
// (broker, address, queue).
#include <fmt/core.h>

#include <map>

#include "core/paging_store.hpp"
#include "core/server_session.hpp"
#include "management/management_service.hpp"
#include "management/resources.hpp"

namespace artemis::management {
namespace {

// A label value: backslash, double quote and newline escaped.
std::string label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

struct Family {
  const char* name;
  const char* help;
};

void header(std::string& out, const Family& f) {
  out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", f.name, f.help, f.name);
}

void histogram(std::string& out, const Family& f, const std::string& broker,
               const util::HistogramSnapshot& h, double scale) {
  out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", f.name, f.help, f.name);
  for (std::size_t i = 0; i < h.cumulative.size(); ++i) {
    const auto le = i < h.bounds.size()
                        ? fmt::format("{}", static_cast<double>(h.bounds[i]) * scale)
                        : std::string("+Inf");
    out += fmt::format("{}_bucket{{broker=\"{}\",le=\"{}\"}} {}\n", f.name, broker, le,
                       h.cumulative[i]);
  }
  if (h.cumulative.empty())
    out += fmt::format("{}_bucket{{broker=\"{}\",le=\"+Inf\"}} 0\n", f.name, broker);
  out += fmt::format("{}_sum{{broker=\"{}\"}} {}\n", f.name, broker,
                     static_cast<double>(h.sum) * scale);
  out += fmt::format("{}_count{{broker=\"{}\"}} {}\n", f.name, broker, h.count);
}

// Client connections by protocol (a web request's passing session is not a connection).
std::map<std::string, std::size_t> connections_by_protocol(core::PostOffice& po) {
  std::map<std::string, std::size_t> out;
  for (const auto& [id, c] : connections(po)) {
    const auto& protocol = c.first->options().protocol;
    if (protocol != "http" && !protocol.empty()) ++out[protocol];
  }
  return out;
}

}  // namespace

std::string ManagementService::metrics() const {
  auto& po = ctx_.post_office;
  const auto broker = label(ctx_.config.name);
  std::string out;
  out.reserve(4096 + po.queues().size() * 900);
  const auto node = ctx_.node ? ctx_.node() : NodeState{};
  const auto journal_now = ctx_.journal ? ctx_.journal() : journal::Stats{};

  header(out, {"artemis_active", "1 while this node is the active (live) one"});
  out += fmt::format("artemis_active{{broker=\"{}\"}} 1\n", broker);
  header(out, {"artemis_address_memory_usage", "bytes of messages held in memory"});
  out += fmt::format("artemis_address_memory_usage{{broker=\"{}\"}} {}\n", broker,
                     po.global_size_bytes());
  header(out, {"artemis_address_memory_usage_percentage", "of global-max-size"});
  out += fmt::format(
      "artemis_address_memory_usage_percentage{{broker=\"{}\"}} {}\n", broker,
      node.global_max_size > 0 ? 100 * po.global_size_bytes() / node.global_max_size : 0);
  header(out, {"artemis_disk_store_usage", "used fraction of the journal's file system"});
  out +=
      fmt::format("artemis_disk_store_usage{{broker=\"{}\"}} {}\n", broker, node.disk_store_usage);
  header(out, {"artemis_connection_count", "client connections open now"});
  out +=
      fmt::format("artemis_connection_count{{broker=\"{}\"}} {}\n", broker, node.connection_count);

  header(out, {"artemis_connections", "client connections by protocol"});
  for (const auto& [protocol, n] : connections_by_protocol(po))
    out += fmt::format("artemis_connections{{broker=\"{}\",protocol=\"{}\"}} {}\n", broker,
                       label(protocol), n);
  header(out, {"artemis_ha_backup_announced", "1 while a backup is announced to this node"});
  out += fmt::format("artemis_ha_backup_announced{{broker=\"{}\"}} {}\n", broker,
                     node.backup_connector.empty() ? 0 : 1);
  header(out, {"artemis_ha_serving_as_backup", "1 when this node is a backup that took over"});
  out += fmt::format("artemis_ha_serving_as_backup{{broker=\"{}\"}} {}\n", broker,
                     node.backup ? 1 : 0);
  histogram(out, {"artemis_journal_sync_latency_seconds", "time of each journal round's fdatasync"},
            broker, journal_now.sync_latency_us, 1e-6);
  histogram(
      out, {"artemis_journal_sync_batch_appends", "appends each synced journal round made durable"},
      broker, journal_now.sync_appends, 1);
  header(out, {"artemis_journal_files", "message journal files"});
  out += fmt::format("artemis_journal_files{{broker=\"{}\"}} {}\n", broker, journal_now.files);

  header(out, {"artemis_number_of_pages", "page files of the address"});
  for (const auto& [name, a] : po.addresses())
    if (const auto* paging = po.paging_store(name))
      out += fmt::format("artemis_number_of_pages{{address=\"{}\",broker=\"{}\"}} {}\n",
                         label(name), broker, paging->counters().pages);
  header(out, {"artemis_paged_message_count", "messages kept in the address's page files"});
  for (const auto& [name, a] : po.addresses())
    if (const auto* paging = po.paging_store(name))
      out += fmt::format("artemis_paged_message_count{{address=\"{}\",broker=\"{}\"}} {}\n",
                         label(name), broker, paging->counters().paged_messages);

  header(out, {"artemis_address_size", "bytes of messages in memory routed to the address"});
  for (const auto& [name, a] : po.addresses())
    out += fmt::format("artemis_address_size{{address=\"{}\",broker=\"{}\"}} {}\n", label(name),
                       broker, a.size_bytes);

  struct QueueMetric {
    Family family;
    std::uint64_t (*value)(const core::Queue&);
  };
  static const QueueMetric kQueue[] = {
      {{"artemis_message_count", "messages in the queue (waiting, scheduled, delivering)"},
       [](const core::Queue& q) -> std::uint64_t { return q.message_count(); }},
      {{"artemis_delivering_message_count", "messages delivered and not yet acknowledged"},
       [](const core::Queue& q) -> std::uint64_t { return q.delivering_count(); }},
      {{"artemis_scheduled_message_count", "messages waiting for their delivery time"},
       [](const core::Queue& q) -> std::uint64_t { return q.scheduled_count(); }},
      {{"artemis_messages_added", "messages added since the queue was created or loaded"},
       [](const core::Queue& q) { return q.messages_added(); }},
      {{"artemis_messages_acknowledged", "messages acknowledged"},
       [](const core::Queue& q) { return q.messages_acknowledged(); }},
      {{"artemis_messages_expired", "messages expired"},
       [](const core::Queue& q) { return q.messages_expired(); }},
      {{"artemis_messages_killed", "messages dead-lettered or removed"},
       [](const core::Queue& q) { return q.messages_killed(); }},
      {{"artemis_consumer_count", "consumers of the queue"},
       [](const core::Queue& q) -> std::uint64_t { return q.consumer_count(); }},
  };
  const auto queues = po.queues();
  for (const auto& m : kQueue) {
    header(out, m.family);
    for (const core::Queue* q : queues)
      out += fmt::format("{}{{address=\"{}\",broker=\"{}\",queue=\"{}\"}} {}\n", m.family.name,
                         label(q->address()), broker, label(q->name()), m.value(*q));
  }
  return out;
}

}  // namespace artemis::management
