// The token map of `artemis create` (cli reference §2.5-2.7). Keys are inserted in the order the
// snippets need them: a snippet is rendered when it is inserted, so values it refers to are set
// first where possible; anything set later is still filled in when the file is rendered.
#include "create_placeholders.hpp"

#include <cstdio>
#include <ostream>

#include "util/strings.hpp"

namespace artemis::cli {
namespace {

std::string bool_text(bool b) { return b ? "true" : "false"; }

std::string port(int base, int offset) { return std::to_string(base + offset); }

// "name" or "name:routing" with a default routing type.
std::pair<std::string, std::string> split_routing(const std::string& spec,
                                                  const std::string& fallback) {
  auto colon = spec.find(':');
  if (colon == std::string::npos) return {spec, fallback};
  return {spec.substr(0, colon), spec.substr(colon + 1)};
}

void warn_routing(const std::string& routing, std::ostream& err) {
  // Written anyway, exactly as typed, as Artemis does; the broker rejects a bad one at start.
  if (routing != "anycast" && routing != "multicast" && !util::iequals(routing, "anycast") &&
      !util::iequals(routing, "multicast"))
    err << "Invalid routing type: " << routing << "\n";
}

std::string address_entries(const CreateOptions& o, std::ostream& err) {
  std::string out;
  for (const auto& spec : o.queues) {
    if (spec.empty()) continue;
    auto [name, routing] = split_routing(spec, "anycast");
    warn_routing(routing, err);
    out += "\n         <address name=\"" + name + "\">\n            <" + routing +
           ">\n               <queue name=\"" + name + "\" />\n            </" + routing +
           ">\n         </address>";
  }
  for (const auto& spec : o.addresses) {
    if (spec.empty()) continue;
    auto [name, routing] = split_routing(spec, "multicast");
    warn_routing(routing, err);
    out += "\n         <address name=\"" + name + "\">\n            <" + routing +
           "/>\n         </address>";
  }
  return out;
}

void add_paths(Placeholders& m, const CreateOptions& o, const ResolvedCreate& r) {
  m.set("data.dir", o.data);
  m.set("artemis.home", r.home.string());
  m.set_token("@artemis.instance@", r.instance.string());
  m.set("artemis.instance", r.instance.string());
  m.set("artemis.instance.name", r.instance.filename().string());
  m.set("artemis.instance.etc.uri", directory_uri(r.etc));
  m.set("artemis.instance.etc", r.etc.string());
  m.set("artemis.instance.data", r.data.string());
  m.set("artemis.instance.oome.dump", (r.instance / "log" / "oom_dump.hprof").string());
  m.set("artemis.binary", r.binary.string());
  m.set("java-memory", o.java_memory);
}

void add_network(Placeholders& m, const CreateOptions& o, const ResolvedCreate& r) {
  m.set("host", r.host);
  m.set("name", r.name);
  m.set("default.port", port(o.default_port, o.port_offset));
  m.set("amqp.port", port(5672, o.port_offset));
  m.set("stomp.port", port(61613, o.port_offset));
  m.set("hq.port", port(5445, o.port_offset));
  m.set("mqtt.port", port(1883, o.port_offset));
  m.set("http.port", port(o.http_port, o.port_offset));
  m.set("http.host", o.http_host);
  m.set("web.protocol", web_protocol(r.web));
  m.set("extra.web.attributes", web_binding_attributes(r.web));
}

void add_journal(Placeholders& m, const CreateOptions& o, const ResolvedCreate& r) {
  m.set("persistence-enabled", bool_text(!o.disable_persistence));
  m.set("journal.settings", std::string(to_string(r.journal)));
  m.set("fsync", bool_text(!o.no_fsync));
  m.set("device-block-size", std::to_string(o.journal_device_block_size));
  m.set("purge-page-folders", bool_text(o.purge_page_folders));
  if (o.journal_retention > 0) {
    m.set("retention-days", std::to_string(o.journal_retention));
    m.set("retention-storage-limit", o.journal_retention_max_bytes
                                         ? " storage-limit=\"" + *o.journal_retention_max_bytes + "\""
                                         : std::string());
    m.set_snippet("journal-retention", "snippets/journal-retention.txt");
  } else {
    m.set_snippet("journal-retention", "snippets/journal-retention-commented.txt");
  }
  m.set("ping", o.ping.value_or(""));
  m.set_snippet("ping-config.settings",
                o.ping ? "snippets/ping-settings.txt" : "snippets/ping-commented-settings.txt");
  m.set("jdbc", "");
}

void add_cluster(Placeholders& m, const CreateOptions& o, const ResolvedCreate& r) {
  m.set("max-hops", std::to_string(o.max_hops));
  m.set("message-load-balancing", o.message_load_balancing);
  m.set("cluster-user", r.cluster_user);
  m.set("cluster-password", r.cluster_password);
  m.set("primary-backup", o.backup ? "backup" : "primary");
  m.set("failover-on-shutdown", bool_text(o.failover_on_shutdown));
  if (!r.clustered) {
    m.set("connectors-list", "");
    m.set("connector-config.settings", "");
    m.set("cluster-security.settings", "");
    m.set("cluster.settings", "");
  } else {
    std::string connectors;
    std::string refs;
    if (o.static_cluster) {
      int i = 0;
      for (const auto& url : util::split(*o.static_cluster, ',')) {
        std::string u(util::trim(url));
        if (u.empty()) continue;
        connectors += "\n            <connector name = \"node" + std::to_string(i) + "\">" + u +
                      "</connector>";
        refs += "\n               <connector-ref>node" + std::to_string(i) + "</connector-ref>";
        ++i;
      }
    }
    m.set("connectors-list", connectors);
    m.set("static-connector-refs", refs);
    m.set_snippet("connector-config.settings", "snippets/connector-settings.txt");
    m.set_snippet("cluster-security.settings", "snippets/cluster-security-settings.txt");
    m.set_snippet("cluster.settings", o.static_cluster ? "snippets/cluster-static-settings.txt"
                                                       : "snippets/cluster-settings.txt");
  }
  if (o.replicated)
    m.set_snippet("replicated.settings", o.backup ? "snippets/replicated-backup-settings.txt"
                                                  : "snippets/replicated-primary-settings.txt");
  else
    m.set("replicated.settings", "");
  if (o.shared_store)
    m.set_snippet("shared-store.settings", "snippets/shared-store-settings.txt");
  else
    m.set("shared-store.settings", "");
}

void add_acceptors(Placeholders& m, const CreateOptions& o) {
  m.set("support-advisory", bool_text(o.support_advisory));
  m.set("suppress-internal-management-objects", bool_text(o.suppress_internal_management_objects));
  auto acceptor = [&m](const char* key, bool disabled, const char* path) {
    if (disabled)
      m.set(key, "");
    else
      m.set_snippet(key, path);
  };
  acceptor("amqp-acceptor", o.no_amqp_acceptor, "snippets/amqp-acceptor.txt");
  acceptor("stomp-acceptor", o.no_stomp_acceptor, "snippets/stomp-acceptor.txt");
  acceptor("hornetq-acceptor", o.no_hornetq_acceptor, "snippets/hornetq-acceptor.txt");
  acceptor("mqtt-acceptor", o.no_mqtt_acceptor, "snippets/mqtt-acceptor.txt");
}

void add_security(Placeholders& m, const CreateOptions& o, const ResolvedCreate& r) {
  m.set("user", r.user);
  m.set("password", r.password);
  m.set("role", o.role);
  m.set("encoded.role", replace_all(o.role, " ", "\\ "));
  m.set_snippet("security-manager-settings", o.security_manager == "basic"
                                                 ? "snippets/bootstrap-basic-security.txt"
                                                 : "snippets/bootstrap-jaas.txt");
  if (o.no_web)
    m.set("bootstrap-web-settings", "");
  else
    m.set_snippet("bootstrap-web-settings", "snippets/bootstrap-web-settings.txt");
  m.set("jolokia.options",
        o.relax_jolokia
            ? "<!-- strict-checking left out: this instance was created with --relax-jolokia -->"
            : "<!-- Also check the Origin header on the server side. -->\n"
              "    <strict-checking/>");
}

void add_addressing(Placeholders& m, const CreateOptions& o, std::ostream& err) {
  m.set("full-policy", o.blocking ? "BLOCK" : "PAGE");
  m.set("auto-create", bool_text(!o.no_autocreate));
  m.set("auto-delete", bool_text(o.autodelete));
  m.set("address-queue.settings", address_entries(o, err));
  m.set("global-max-messages", std::to_string(o.global_max_messages));
  if (o.global_max_size) {
    m.set("global-max-size", *o.global_max_size);
    m.set_snippet("global-max-section", "snippets/global-max-specified.txt");
  } else {
    m.set_snippet("global-max-section", "snippets/global-max-default.txt");
  }
}

}  // namespace

std::string directory_uri(const std::filesystem::path& dir) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out = "file:";
  for (unsigned char c : dir.string()) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
    if (safe) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0x0F]);
    }
  }
  if (out.back() != '/') out.push_back('/');
  return out;
}

Placeholders build_placeholders(const CreateOptions& o, const ResolvedCreate& r, std::ostream& err) {
  Placeholders m;
  add_paths(m, o, r);
  add_network(m, o, r);
  add_journal(m, o, r);
  add_cluster(m, o, r);
  add_acceptors(m, o);
  add_security(m, o, r);
  add_addressing(m, o, err);
  // Defaults until the auto-tune (if any) replaces them; an untuned broker.xml has neither.
  m.set("journal-buffer.settings", "");
  m.set("page-sync.settings", "");
  return m;
}

}  // namespace artemis::cli
