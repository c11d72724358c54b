// load_broker_xml: read the file, parse it with pugixml, walk <configuration><core>, fill in the
// defaults that depend on other options, resolve directories against the instance dir, then run
// the cross-field rules. Everything wrong is collected; nothing stops at the first problem.
#include "config/loader.hpp"

#include <fmt/core.h>
#include <pugixml.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "config/parse_context.hpp"

namespace artemis::config {
namespace {

namespace fs = std::filesystem;

// journal.md §1.7: timeouts and max-io differ between the native (ASYNCIO) and the
// buffered (NIO, MAPPED) journal when broker.xml leaves them out.
constexpr std::int64_t kAioBufferTimeoutNs = 500'000;
constexpr std::int64_t kNioBufferTimeoutNs = 3'333'333;
constexpr int kAioMaxIo = 4096;

fs::path resolve(const fs::path& instance, const fs::path& p) {
  if (p.empty()) return p;
  return (p.is_absolute() ? p : instance / p).lexically_normal();
}

Environment default_environment(const fs::path& instance) {
  return [instance](std::string_view name) -> std::optional<std::string> {
    if (name == "artemis.instance") return instance.string();
    if (const char* v = std::getenv(std::string(name).c_str())) return std::string(v);
    return std::nullopt;
  };
}

// Elements of <core> that hold a list: every occurrence adds to it. Any other element may
// appear once; Artemis reads the first occurrence, so a repeat is reported and ignored.
bool is_list_section(std::string_view name) {
  return name == "acceptors" || name == "connectors" || name == "cluster-connections" ||
         name == "security-settings" || name == "address-settings" || name == "addresses" ||
         name == "resource-limit-settings";
}

void parse_core(ParseContext& p, pugi::xml_node core, BrokerConfig& c,
                std::map<std::string, int, std::less<>>& seen) {
  for (auto n : core.children()) {
    if (n.type() != pugi::node_element) continue;
    const auto name = local_name(n);
    if (!is_list_section(name)) {
      if (auto it = seen.find(name); it != seen.end()) {
        p.warning(n, errc::duplicate,
                  fmt::format("{} appears again (first at line {}); the first one is used and this "
                              "one is ignored",
                              tag(n), it->second));
        continue;
      }
      seen.emplace(std::string(name), p.line_of(n));
    }
    if (name == "acceptors") parse_transports(p, n, "acceptor", c.acceptors);
    else if (name == "connectors") parse_transports(p, n, "connector", c.connectors);
    else if (name == "cluster-connections") parse_cluster_connections(p, n, c);
    else if (name == "ha-policy") parse_ha_policy(p, n, c.ha_policy);
    else if (name == "security-settings") parse_security_settings(p, n, c);
    else if (name == "resource-limit-settings")
      parse_resource_limits(p, n, c);
    else if (name == "address-settings") parse_address_settings(p, n, c);
    else if (name == "addresses") parse_addresses(p, n, c);
    else if (name == "wildcard-addresses") parse_wildcards(p, n, c.wildcards);
    else parse_core_option(p, n, c);
  }
}

void apply_dependent_defaults(BrokerConfig& c, const std::map<std::string, int, std::less<>>& seen) {
  const bool aio = c.journal.type == JournalType::asyncio;
  if (!c.journal.buffer_timeout_ns) c.journal.buffer_timeout_ns = aio ? kAioBufferTimeoutNs : kNioBufferTimeoutNs;
  if (!seen.contains("journal-max-io") && aio) c.journal.max_io = kAioMaxIo;
}

void resolve_paths(BrokerConfig& c) {
  const auto& inst = c.instance_dir;
  c.paging_directory = resolve(inst, c.paging_directory);
  c.bindings_directory = resolve(inst, c.bindings_directory);
  c.journal_directory = resolve(inst, c.journal_directory);
  c.large_messages_directory = resolve(inst, c.large_messages_directory);
  c.node_manager_lock_directory = c.node_manager_lock_directory.empty()
                                      ? c.journal_directory
                                      : resolve(inst, c.node_manager_lock_directory);
}

}  // namespace

std::string Diagnostic::to_string() const {
  if (line > 0) return fmt::format("{}:{}: {}", file.string(), line, message);
  return fmt::format("{}: {}", file.string(), message);
}

LoadResult load_broker_xml(const fs::path& file, const fs::path& instance_dir) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    const int err = errno;
    LoadResult r;
    r.config.source = file;
    r.config.instance_dir = instance_dir;
    r.errors.push_back(Diagnostic{
        file, 0,
        fmt::format("cannot read the broker configuration: {} (expected etc/broker.xml of an "
                    "instance made by 'artemis create')",
                    err != 0 ? std::strerror(err) : "cannot open"),
        errc::file_unreadable});
    return r;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_broker_xml_string(text.str(), file, instance_dir);
}

LoadResult load_broker_xml_string(const std::string& xml, const fs::path& file_name,
                                  const fs::path& instance_dir) {
  const auto inst = fs::absolute(instance_dir).lexically_normal();
  return load_broker_xml_string(xml, file_name, instance_dir, default_environment(inst));
}

LoadResult load_broker_xml_string(const std::string& xml, const fs::path& file_name,
                                  const fs::path& instance_dir, const Environment& env) {
  LoadResult r;
  BrokerConfig& c = r.config;
  c.source = file_name;
  c.instance_dir = fs::absolute(instance_dir).lexically_normal();
  c.paging_directory = "data/paging";
  c.bindings_directory = "data/bindings";
  c.journal_directory = "data/journal";
  c.large_messages_directory = "data/large-messages";
  ParseContext p(file_name, xml, env, r);

  pugi::xml_document doc;
  const auto parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default);
  if (!parsed) {
    p.error_at_line(p.line_at_offset(parsed.offset), errc::malformed_xml,
                    fmt::format("malformed XML: {} (fix the markup near this line)",
                                parsed.description()));
    return r;
  }
  const auto root = doc.document_element();
  if (local_name(root) != "configuration") {
    p.error(root, errc::missing_required,
            fmt::format("the root element is {}; expected <configuration xmlns=\"urn:activemq\">",
                        tag(root)));
    return r;
  }
  std::map<std::string, int, std::less<>> seen;
  pugi::xml_node core;
  for (auto n : root.children()) {
    if (n.type() != pugi::node_element) continue;
    if (local_name(n) != "core") {
      p.unknown_child(n, root, {"core"});
      continue;
    }
    if (core) {
      p.warning(n, errc::duplicate,
                fmt::format("<core> appears again (first at line {}); ignored", p.line_of(core)));
      continue;
    }
    core = n;
    parse_core(p, n, c, seen);
  }
  if (!core) {
    p.error(root, errc::missing_required,
            "<configuration> has no <core xmlns=\"urn:activemq:core\"> element");
    return r;
  }
  resolve_masked_passwords(p, core, c, env);
  apply_dependent_defaults(c, seen);
  resolve_paths(c);
  validate(p, c);
  return r;
}

}  // namespace artemis::config
