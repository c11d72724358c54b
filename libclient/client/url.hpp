#pragma once
// Client connection URLs, as the Artemis CLI takes them (reference cli.md §4.2):
//   tcp://host:port[?k=v[&|;k=v]...]
//   (tcp://a:61616,tcp://b:61617)?ha=true&reconnectAttempts=-1&retryInterval=1000
// Parameters after ')' apply to every server of the list; a server's own parameters override
// them for transport keys. Locator parameters (ha, reconnectAttempts, ...) are read from the
// list-level parameters, or from the single URI's.
//
// Our defaults differ from Artemis in one deliberate place (README "Clients and failover"):
// when failover is possible (ha=true or more than one server) and reconnectAttempts is not
// given, it defaults to -1 (retry forever) instead of 0, because a failover URL that never
// fails over surprises everyone.
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "tls/stores.hpp"

namespace artemis::client {

// TLS for a connection, from the URL parameters Artemis's client takes (reference cli.md §4.2).
struct TlsOptions {
  bool enabled = false;        // sslEnabled
  tls::StoreSpec trust_store;  // trustStorePath/-Password/-Type; default: the system's CAs
  tls::StoreSpec key_store;    // keyStorePath/-Password/-Type: a client certificate
  bool trust_all = false;      // trustAll: the broker's certificate is not checked at all
  bool verify_host = true;     // verifyHost: the certificate must name the host connected to
  std::string sni_host;        // sniHost: the name sent in the handshake instead of the host
};

struct Server {
  std::string host;  // without IPv6 brackets
  int port = 61616;
  std::string to_string() const;  // tcp://host:port
  bool operator==(const Server&) const = default;
};

struct ClientUrl {
  std::vector<Server> servers;  // in the order given; the first is tried first
  bool is_list = false;         // written as (a,b)

  // Locator parameters, Artemis names and defaults.
  bool ha = false;
  bool reconnect_attempts_given = false;
  int reconnect_attempts = 0;           // -1 = forever; see the note above for our default
  int initial_connect_attempts = 1;
  // Retries back off from 100 ms to 2 s (Artemis: a flat 2 s), so a client reaches a backup
  // that took over within a few hundred milliseconds yet never hammers a broker that is down.
  std::int64_t retry_interval_ms = 100;
  double retry_interval_multiplier = 2.0;
  std::int64_t max_retry_interval_ms = 2000;
  std::int64_t call_timeout_ms = 30000;           // wait for a receipt before giving up
  std::int64_t connection_ttl_ms = 60000;         // heart-beat we ask the broker to expect
  std::int64_t client_failure_check_period_ms = 30000;
  int confirmation_window_size = -1;              // accepted, not used by the STOMP backend
  int producer_window_size = 65536;
  int consumer_window_size = 1048576;             // STOMP consumer-window-size (bytes)
  bool block_on_durable_send = true;              // false: durable sends without receipts
  bool block_on_non_durable_send = false;
  std::string client_id;
  std::string user;
  std::string password;
  std::int64_t connect_timeout_ms = 10000;        // connect-timeout-millis
  TlsOptions tls;

  std::vector<std::string> ignored;  // keys we do not know (Artemis ignores them too)

  // True when a lost connection is retried rather than reported.
  bool failover_enabled() const { return ha || servers.size() > 1; }
  // reconnectAttempts after applying our default.
  int effective_reconnect_attempts() const;
  // Delay before retry number `attempt` (0-based): interval * multiplier^attempt, capped.
  std::int64_t retry_delay_ms(int attempt) const;
  std::string to_string() const;
};
std::ostream& operator<<(std::ostream& os, const ClientUrl& u);

struct UrlResult {
  std::optional<ClientUrl> value;
  std::string error;  // what is wrong and what would be right
};
UrlResult parse_url(std::string_view text);

// The TLS options of URL parameters already split (a broker.xml connector's, with masked
// passwords already decoded): "" or what is wrong, naming the parameter, never its value.
std::string tls_from_params(const std::map<std::string, std::string>& params, TlsOptions& out);

// Parses one connector URL as brokers advertise them ("tcp://localhost:61617"), for the
// CONNECTED `failover-servers` header. nullopt when it is not a tcp URL.
std::optional<Server> parse_server(std::string_view text);
// "tcp://a:1,tcp://b:2" -> servers; entries that do not parse are skipped.
std::vector<Server> parse_server_list(std::string_view text);

}  // namespace artemis::client
