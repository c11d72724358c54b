// CLI11 registration of `artemis create`'s options. Descriptions are what `artemis help create`
// prints; names, defaults and hidden aliases follow Artemis so existing scripts keep working.
#include "create_options.hpp"

#include "util/strings.hpp"

namespace artemis::cli {

std::string_view to_string(JournalType type) {
  switch (type) {
    case JournalType::asyncio: return "ASYNCIO";
    case JournalType::nio: return "NIO";
    case JournalType::mapped: return "MAPPED";
  }
  return "NIO";
}

namespace {

// Integers are parsed here rather than by CLI11 so a bad value gets Artemis's wording.
void add_int(CLI::App& cmd, const std::string& name, const std::string& field, long long& target,
             const std::string& description) {
  cmd.add_option_function<std::string>(
         name,
         [name, &target](const std::string& text) {
           auto value = util::parse_int(text);
           if (!value)
             throw CLI::ValidationError("Invalid value for option '" + name + "': '" + text +
                                        "' is not an int");
           target = *value;
         },
         description)
      ->type_name("<" + field + ">");
}

void add_int(CLI::App& cmd, const std::string& name, const std::string& field, int& target,
             const std::string& description) {
  cmd.add_option_function<std::string>(
         name,
         [name, &target](const std::string& text) {
           auto value = util::parse_int(text);
           if (!value || *value < INT32_MIN || *value > INT32_MAX)
             throw CLI::ValidationError("Invalid value for option '" + name + "': '" + text +
                                        "' is not an int");
           target = static_cast<int>(*value);
         },
         description)
      ->type_name("<" + field + ">");
}

template <class T>
CLI::Option* add_text(CLI::App& cmd, const std::string& name, const std::string& field, T& target,
                      const std::string& description) {
  return cmd.add_option(name, target, description)->type_name("<" + field + ">");
}

}  // namespace

void add_create_options(CLI::App& cmd, CreateOptions& o) {
  cmd.add_option("directory", o.directory, "The instance directory to hold the broker's data files")
      ->required()
      ->type_name("<directory>");

  add_text(cmd, "--name", "name", o.name,
           "The name of the broker (Default: same as host)");
  add_text(cmd, "--host", "host", o.host,
           "Broker's host name (Default: 0.0.0.0 or input if clustered)");
  add_int(cmd, "--default-port", "defaultPort", o.default_port,
          "The port number to use for the main 'artemis' acceptor (Default: 61616)");
  add_int(cmd, "--port-offset", "portOffset", o.port_offset,
          "How much to off-set the ports of every acceptor (Default: 0)");
  add_text(cmd, "--http-host", "httpHost", o.http_host,
           "Embedded web server host name (Default: localhost)");
  add_int(cmd, "--http-port", "httpPort", o.http_port,
          "Embedded web server port (Default: 8161)");
  cmd.add_flag("--no-web", o.no_web, "Whether to omit the web-server definition from bootstrap.xml");
  add_text(cmd, "--ssl-key", "sslKey", o.ssl_key,
           "Embedded web server's key store path; the web server then uses https");
  add_text(cmd, "--ssl-key-password", "sslKeyPassword", o.ssl_key_password,
           "The key store's password (Default: input)");
  cmd.add_flag("--use-client-auth", o.use_client_auth,
               "Require client certificate authentication when connecting to the embedded web "
               "server");
  add_text(cmd, "--ssl-trust", "sslTrust", o.ssl_trust,
           "The trust store path in case of client authentication (Default: input)");
  add_text(cmd, "--ssl-trust-password", "sslTrustPassword", o.ssl_trust_password,
           "The trust store's password (Default: input)");
  cmd.add_flag("--relax-jolokia", o.relax_jolokia,
               "Disable strict checking in jolokia-access.xml");

  add_text(cmd, "--user", "user", o.user,
           "The username (Default: input)");
  add_text(cmd, "--password", "password", o.password,
           "The user's password (Default: input)");
  add_text(cmd, "--role", "role", o.role, "The name for the role created (Default: amq)");
  cmd.add_flag("--allow-anonymous", o.allow_anonymous,
               "Allow connections from users with no security credentials. Opposite of "
               "--require-login (Default: input)");
  cmd.add_flag("--require-login", o.require_login,
               "Require security credentials from users for connection. Opposite of "
               "--allow-anonymous");
  add_text(cmd, "--security-manager", "securityManager", o.security_manager,
           "Which security manager to use - jaas or basic (Default: jaas)")
      ->check(CLI::IsMember({"jaas", "basic"}));

  cmd.add_flag("--clustered", o.clustered, "Enable clustering");
  add_text(cmd, "--static-cluster,--staticCluster", "staticNode", o.static_cluster,
           "Cluster node connectors list separated by comma, e.g. "
           "\"tcp://server:61616,tcp://server2:61616,tcp://server3:61616\"");
  add_text(cmd, "--cluster-user", "clusterUser", o.cluster_user,
           "The user to use for clustering (Default: input)");
  add_text(cmd, "--cluster-password", "clusterPassword", o.cluster_password,
           "The password to use for clustering (Default: input)");
  add_int(cmd, "--max-hops", "maxHops", o.max_hops,
          "Number of hops on the cluster configuration (Default: 1)");
  add_text(cmd, "--message-load-balancing", "messageLoadBalancing", o.message_load_balancing,
           "Message load balancing policy for cluster: OFF, STRICT, ON_DEMAND, "
           "OFF_WITH_REDISTRIBUTION (Default: ON_DEMAND)")
      ->check(CLI::IsMember({"OFF", "STRICT", "ON_DEMAND", "OFF_WITH_REDISTRIBUTION"}));
  cmd.add_flag("--replicated", o.replicated, "Enable broker replication");
  cmd.add_flag("--shared-store", o.shared_store, "Enable broker shared store");
  cmd.add_flag("--backup", o.backup,
               "Be a backup broker; valid for shared store or replication");
  cmd.add_flag("--slave", o.backup, "Deprecated for removal. Use 'backup' instead.")->group("");
  cmd.add_flag("--failover-on-shutdown", o.failover_on_shutdown,
               "Whether broker shutdown will trigger failover for clients using the core "
               "protocol; valid only for shared store (Default: false)");

  add_text(cmd, "--data", "data", o.data, "Directory where ActiveMQ data are stored. Paths can "
           "be absolute or relative to artemis.instance directory (Default: data)");
  add_text(cmd, "--etc", "etc", o.etc, "Directory where ActiveMQ configuration is located. Paths "
           "can be absolute or relative to artemis.instance directory (Default: etc)");
  add_text(cmd, "--home", "home", o.home,
           "Directory where ActiveMQ Artemis is installed (Default: the running executable's)");

  cmd.add_flag("--aio", o.aio, "Set the journal as asyncio");
  cmd.add_flag("--nio", o.nio, "Set the journal as nio");
  cmd.add_flag("--mapped", o.mapped, "Set the journal as mapped");
  cmd.add_flag("--no-fsync", o.no_fsync,
               "Disable usage of fdatasync (channel.force(false) from Java NIO) on the journal");
  add_int(cmd, "--journal-device-block-size", "journalDeviceBlockSize", o.journal_device_block_size,
          "The block size of the journal's storage device (Default: 4096)");
  add_int(cmd, "--journal-max-io", "journalMaxIo", o.journal_max_io,
          "The journal-max-io used with ASYNCIO (Default: 4096)");
  cmd.add_flag("--no-autotune", o.no_autotune, "Disable auto tuning of the journal-buffer-timeout "
               "in broker.xml");
  add_int(cmd, "--journal-retention", "retentionDays", o.journal_retention,
          "Configure journal retention in days. If > 0 then enable journal-retention-directory "
          "from broker.xml allowing replay options");
  add_text(cmd, "--journal-retention-max-bytes", "retentionMaxBytes",
           o.journal_retention_max_bytes,
           "Maximum number of bytes to keep in the retention directory");
  cmd.add_flag("--disable-persistence", o.disable_persistence,
               "Disable message persistence to the journal");
  cmd.add_flag("--purge-page-folders", o.purge_page_folders,
               "Whether to purge page folders when addresses are removed");
  add_text(cmd, "--global-max-size", "globalMaxSize", o.global_max_size,
           "Maximum amount of memory which message data may consume (Default: half of the "
           "machine's memory)");
  add_int(cmd, "--global-max-messages", "globalMaxMessages", o.global_max_messages,
          "Maximum number of messages that will be accepted in memory before using "
          "address-full-policy (Default: -1, no limit)");
  cmd.add_flag("--paging", o.paging, "Page messages to disk when address becomes full. Opposite "
               "of --blocking (Default: true)");
  cmd.add_flag("--blocking", o.blocking, "Block producers when address becomes full. Opposite "
               "of --paging (Default: false)");
  cmd.add_flag("--autocreate", o.autocreate,
               "Allow automatic creation of addresses & queues (Default: true)");
  cmd.add_flag("--no-autocreate", o.no_autocreate,
               "Disable auto creation for addresses & queues");
  cmd.add_flag("--autodelete", o.autodelete,
               "Automatically delete auto-created addresses & queues (Default: false)");
  add_text(cmd, "--queues", "queues", o.queues,
           "A comma separated list of queues with the option to specify a routing type, e.g. "
           "--queues myQueue1,myQueue2:multicast. Routing-type default: anycast")
      ->delimiter(',');
  add_text(cmd, "--addresses", "addresses", o.addresses,
           "A comma separated list of addresses with the option to specify a routing type, "
           "e.g. --addresses myAddress1,myAddress2:anycast. Routing-type default: multicast")
      ->delimiter(',');
  add_text(cmd, "--ping", "ping", o.ping,
           "A comma separated string to be passed on to the broker config as "
           "network-check-list. The broker will shutdown when all these addresses are "
           "unreachable");

  cmd.add_flag("--no-amqp-acceptor", o.no_amqp_acceptor,
               "Disable the AMQP specific acceptor");
  cmd.add_flag("--no-stomp-acceptor", o.no_stomp_acceptor,
               "Disable the STOMP specific acceptor");
  cmd.add_flag("--no-mqtt-acceptor", o.no_mqtt_acceptor,
               "Disable the MQTT specific acceptor");
  cmd.add_flag("--no-hornetq-acceptor", o.no_hornetq_acceptor,
               "Disable the HornetQ specific acceptor");
  cmd.add_flag("--support-advisory", o.support_advisory,
               "Support advisory messages for the OpenWire protocol");
  cmd.add_flag("--suppress-internal-management-objects", o.suppress_internal_management_objects,
               "Do not register any advisory addresses/queues for the OpenWire protocol with "
               "the broker's management service");

  add_text(cmd, "--java-memory", "javaMemory", o.java_memory,
           "Memory hint kept in artemis.profile for scripts written for the Java broker; "
           "this broker does not read it (Default: 2G)");

  cmd.add_flag("--force", o.force, "Overwrite configuration at destination directory");
  cmd.add_flag("--silent", o.silent, "Disable all the inputs, and make a best guess for any "
               "required input");
  cmd.add_flag("--verbose", o.verbose, "Print additional information");
}

}  // namespace artemis::cli
