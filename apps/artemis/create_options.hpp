#pragma once
// Everything `artemis create` can be told on its command line, with Artemis's defaults.
// Filled by CLI11 (add_create_options) and read by the placeholder builder; no behaviour here.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace artemis::cli {

enum class JournalType { asyncio, nio, mapped };
std::string_view to_string(JournalType type);  // "ASYNCIO", "NIO", "MAPPED"

struct CreateOptions {
  std::string directory;

  // Identity and ports.
  std::optional<std::string> name;
  std::optional<std::string> host;  // unset: 0.0.0.0 (clustered: prompt, silent localhost)
  int default_port = 61616;
  int port_offset = 0;
  std::string http_host = "localhost";
  int http_port = 8161;
  bool no_web = false;
  bool relax_jolokia = false;

  // TLS of the embedded web server; only read when ssl_key is set, as in Artemis.
  std::optional<std::string> ssl_key;
  std::optional<std::string> ssl_key_password;  // unset: prompt (silent "password")
  bool use_client_auth = false;
  std::optional<std::string> ssl_trust;           // unset: prompt (silent /etc/truststore.jks)
  std::optional<std::string> ssl_trust_password;  // unset: prompt (silent "password")

  // Security.
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::string role = "amq";
  bool allow_anonymous = false;
  bool require_login = false;
  std::string security_manager = "jaas";

  // Cluster and HA.
  bool clustered = false;
  std::optional<std::string> static_cluster;
  std::optional<std::string> cluster_user;
  std::optional<std::string> cluster_password;
  int max_hops = 1;
  std::string message_load_balancing = "ON_DEMAND";
  bool replicated = false;
  bool shared_store = false;
  bool backup = false;
  bool failover_on_shutdown = false;

  // Layout.
  std::string data = "data";
  std::string etc = "etc";
  std::optional<std::string> home;

  // Journal and storage.
  bool aio = false;
  bool nio = false;
  bool mapped = false;
  bool no_fsync = false;
  int journal_device_block_size = 4096;
  int journal_max_io = 4096;
  bool no_autotune = false;
  int journal_retention = -1;  // days; -1 = not given
  std::optional<std::string> journal_retention_max_bytes;
  bool disable_persistence = false;
  bool purge_page_folders = false;
  std::optional<std::string> global_max_size;
  long long global_max_messages = -1;
  bool paging = false;
  bool blocking = false;
  bool autocreate = false;
  bool no_autocreate = false;
  bool autodelete = false;
  std::vector<std::string> queues;     // name[:routing]
  std::vector<std::string> addresses;  // name[:routing]
  std::optional<std::string> ping;

  // Acceptors.
  bool no_amqp_acceptor = false;
  bool no_stomp_acceptor = false;
  bool no_mqtt_acceptor = false;
  bool no_hornetq_acceptor = false;
  bool support_advisory = false;
  bool suppress_internal_management_objects = false;

  // Accepted for scripts written for the Java broker; recorded as a comment only.
  std::string java_memory = "2G";

  bool force = false;
  bool silent = false;
  bool verbose = false;
};

// Registers every option on `cmd` (the `create` subcommand), writing into `o`.
void add_create_options(CLI::App& cmd, CreateOptions& o);

}  // namespace artemis::cli
