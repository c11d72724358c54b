#include "client/url.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>

#include "uri/uri.hpp"
#include "util/sensitive_string_codec.hpp"
#include "util/strings.hpp"

namespace artemis::client {

std::string Server::to_string() const {
  return host.find(':') != std::string::npos ? fmt::format("tcp://[{}]:{}", host, port)
                                              : fmt::format("tcp://{}:{}", host, port);
}

int ClientUrl::effective_reconnect_attempts() const {
  if (reconnect_attempts_given) return reconnect_attempts;
  return failover_enabled() ? -1 : 0;
}

std::int64_t ClientUrl::retry_delay_ms(int attempt) const {
  double d = static_cast<double>(retry_interval_ms);
  for (int i = 0; i < attempt && d < static_cast<double>(max_retry_interval_ms); ++i)
    d *= retry_interval_multiplier;
  const auto capped = std::min(d, static_cast<double>(std::max(max_retry_interval_ms, retry_interval_ms)));
  return static_cast<std::int64_t>(capped);
}

std::string ClientUrl::to_string() const {
  std::string out;
  if (is_list) out += '(';
  for (std::size_t i = 0; i < servers.size(); ++i) {
    if (i) out += ',';
    out += servers[i].to_string();
  }
  if (is_list) out += ')';
  return out;
}

std::ostream& operator<<(std::ostream& os, const ClientUrl& u) {
  return os << u.to_string() << " ha=" << (u.ha ? "true" : "false")
            << " reconnectAttempts=" << u.effective_reconnect_attempts()
            << " retryInterval=" << u.retry_interval_ms
            << " retryIntervalMultiplier=" << u.retry_interval_multiplier
            << " maxRetryInterval=" << u.max_retry_interval_ms;
}

namespace {

// One table row per locator key we act on: the key as Artemis spells it and how to store it.
using Setter = std::function<std::string(ClientUrl&, const std::string& value)>;

std::string bad(std::string_view key, std::string_view value, std::string_view want) {
  return fmt::format("URL parameter {}={}: expected {}", key, value, want);
}

Setter int64_field(std::int64_t ClientUrl::*field, std::string_view key, std::int64_t min) {
  return [field, key, min](ClientUrl& u, const std::string& v) -> std::string {
    const auto n = util::parse_int(v);
    if (!n || *n < min) return bad(key, v, fmt::format("an integer >= {}", min));
    u.*field = *n;
    return {};
  };
}

Setter int_field(int ClientUrl::*field, std::string_view key, int min) {
  return [field, key, min](ClientUrl& u, const std::string& v) -> std::string {
    const auto n = util::parse_int(v);
    if (!n || *n < min || *n > 2147483647) return bad(key, v, fmt::format("an integer >= {}", min));
    u.*field = static_cast<int>(*n);
    return {};
  };
}

Setter bool_field(bool ClientUrl::*field, std::string_view key) {
  return [field, key](ClientUrl& u, const std::string& v) -> std::string {
    const auto b = util::parse_bool(v);
    if (!b) return bad(key, v, "true or false");
    u.*field = *b;
    return {};
  };
}

Setter tls_flag(bool TlsOptions::*field, std::string_view key) {
  return [field, key](ClientUrl& u, const std::string& v) -> std::string {
    const auto b = util::parse_bool(v);
    if (!b) return bad(key, v, "true or false");
    u.tls.*field = *b;
    return {};
  };
}

Setter tls_text(std::string TlsOptions::*field) {
  return [field](ClientUrl& u, const std::string& v) -> std::string {
    u.tls.*field = v;
    return {};
  };
}

// keyStorePath and the like: a field of one of the two stores.
Setter store_text(tls::StoreSpec TlsOptions::*store, std::string tls::StoreSpec::*field) {
  return [store, field](ClientUrl& u, const std::string& v) -> std::string {
    (u.tls.*store).*field = v;
    return {};
  };
}

// keyStorePassword and trustStorePassword may be written ENC(<masked>), as `artemis mask`
// prints them; like Artemis's client, they are decoded with the default codec, whose key
// ARTEMIS_DEFAULT_SENSITIVE_STRING_CODEC_KEY may set.
Setter store_password(tls::StoreSpec TlsOptions::*store, std::string_view key) {
  return [store, key](ClientUrl& u, const std::string& v) -> std::string {
    std::string plain = v;
    if (util::is_enc_masked(v)) {
      const char* env = std::getenv(std::string(util::kCodecKeyEnvVar).c_str());
      const util::SensitiveStringCodec codec(util::codec_key(
          std::nullopt, env != nullptr ? std::optional<std::string_view>(env) : std::nullopt));
      auto r = codec.decode(util::unwrap_enc(v));
      if (!r.value) return fmt::format("URL parameter {} could not be unmasked: {}", key, r.error);
      plain = std::move(*r.value);
    }
    (u.tls.*store).password = std::move(plain);
    return {};
  };
}

Setter string_field(std::string ClientUrl::*field) {
  return [field](ClientUrl& u, const std::string& v) -> std::string {
    u.*field = v;
    return {};
  };
}

const std::map<std::string, Setter, std::less<>>& setters() {
  static const std::map<std::string, Setter, std::less<>> table = {
      {"ha", bool_field(&ClientUrl::ha, "ha")},
      {"reconnectAttempts",
       [](ClientUrl& u, const std::string& v) -> std::string {
         const auto n = util::parse_int(v);
         if (!n || *n < -1 || *n > 2147483647)
           return bad("reconnectAttempts", v, "-1 (forever) or an integer >= 0");
         u.reconnect_attempts = static_cast<int>(*n);
         u.reconnect_attempts_given = true;
         return {};
       }},
      {"initialConnectAttempts",
       [](ClientUrl& u, const std::string& v) -> std::string {
         const auto n = util::parse_int(v);
         if (!n || *n < -1 || *n == 0 || *n > 2147483647)
           return bad("initialConnectAttempts", v, "-1 (forever) or an integer >= 1");
         u.initial_connect_attempts = static_cast<int>(*n);
         return {};
       }},
      {"retryInterval", int64_field(&ClientUrl::retry_interval_ms, "retryInterval", 0)},
      {"retryIntervalMultiplier",
       [](ClientUrl& u, const std::string& v) -> std::string {
         double d = 0;
         const auto* end = v.data() + v.size();
         const auto [p, ec] = std::from_chars(v.data(), end, d);
         if (v.empty() || ec != std::errc() || p != end || !std::isfinite(d) || d < 1.0)
           return bad("retryIntervalMultiplier", v, "a number >= 1.0 (e.g. 1.5)");
         u.retry_interval_multiplier = d;
         return {};
       }},
      {"maxRetryInterval", int64_field(&ClientUrl::max_retry_interval_ms, "maxRetryInterval", 0)},
      {"callTimeout", int64_field(&ClientUrl::call_timeout_ms, "callTimeout", 1)},
      {"callFailoverTimeout", [](ClientUrl&, const std::string&) { return std::string(); }},
      {"connectionTTL", int64_field(&ClientUrl::connection_ttl_ms, "connectionTTL", -1)},
      {"clientFailureCheckPeriod",
       int64_field(&ClientUrl::client_failure_check_period_ms, "clientFailureCheckPeriod", -1)},
      {"confirmationWindowSize",
       int_field(&ClientUrl::confirmation_window_size, "confirmationWindowSize", -1)},
      {"producerWindowSize", int_field(&ClientUrl::producer_window_size, "producerWindowSize", -1)},
      {"consumerWindowSize", int_field(&ClientUrl::consumer_window_size, "consumerWindowSize", -1)},
      {"blockOnDurableSend", bool_field(&ClientUrl::block_on_durable_send, "blockOnDurableSend")},
      {"blockOnNonDurableSend",
       bool_field(&ClientUrl::block_on_non_durable_send, "blockOnNonDurableSend")},
      {"clientID", string_field(&ClientUrl::client_id)},
      {"user", string_field(&ClientUrl::user)},
      {"password", string_field(&ClientUrl::password)},
      {"connect-timeout-millis",
       int64_field(&ClientUrl::connect_timeout_ms, "connect-timeout-millis", 1)},
      {"sslEnabled", tls_flag(&TlsOptions::enabled, "sslEnabled")},
      {"trustAll", tls_flag(&TlsOptions::trust_all, "trustAll")},
      {"verifyHost", tls_flag(&TlsOptions::verify_host, "verifyHost")},
      {"sniHost", tls_text(&TlsOptions::sni_host)},
      {"trustStorePath", store_text(&TlsOptions::trust_store, &tls::StoreSpec::path)},
      {"trustStorePassword", store_password(&TlsOptions::trust_store, "trustStorePassword")},
      {"trustStoreType", store_text(&TlsOptions::trust_store, &tls::StoreSpec::type)},
      {"keyStorePath", store_text(&TlsOptions::key_store, &tls::StoreSpec::path)},
      {"keyStorePassword", store_password(&TlsOptions::key_store, "keyStorePassword")},
      {"keyStoreType", store_text(&TlsOptions::key_store, &tls::StoreSpec::type)},
  };
  return table;
}

// Keys Artemis knows that do not change how this client behaves; accepted silently.
bool known_but_unused(std::string_view key) {
  static const char* const keys[] = {
      "failoverAttempts", "consumerMaxRate", "producerMaxRate", "blockOnAcknowledge",
      "minLargeMessageSize", "compressLargeMessages", "useTopologyForLoadBalancing", "type",
      "host", "port", "tcpNoDelay", "tcpSendBufferSize", "tcpReceiveBufferSize", "useEpoll",
      "localAddress", "localPort", "useGlobalPools", "scheduledThreadPoolMaxSize",
      "threadPoolMaxSize", "autoGroup", "preAcknowledge", "cacheLargeMessagesClient",
      "dupsOKBatchSize", "transactionBatchSize", "groupID", "ackBatchSize",
      "connectionLoadBalancingPolicyClassName", "initialMessagePacketSize"};
  return std::any_of(std::begin(keys), std::end(keys), [&](const char* k) { return key == k; });
}

std::string apply_params(ClientUrl& u, const std::map<std::string, std::string>& params) {
  for (const auto& [k, v] : params) {
    if (const auto it = setters().find(k); it != setters().end()) {
      if (auto err = it->second(u, v); !err.empty()) return err;
    } else if (!known_but_unused(k)) {
      u.ignored.push_back(k);
    }
  }
  return {};
}

}  // namespace

UrlResult parse_url(std::string_view text) {
  UrlResult result;
  const std::string shown = uri::redact_secrets(std::string(text));  // what errors quote
  auto parsed = uri::parse(text);
  if (!parsed.value) {
    result.error = uri::redact_secrets(parsed.error);
    return result;
  }
  ClientUrl url;
  url.is_list = parsed.value->is_list;
  if (parsed.value->endpoints.empty()) {
    result.error =
        fmt::format("'{}': the server list is empty (e.g. (tcp://a:61616,tcp://b:61617))", shown);
    return result;
  }
  for (const auto& ep : parsed.value->endpoints) {
    if (ep.scheme != "tcp") {
      result.error = fmt::format(
          "'{}': scheme '{}' is not supported by this client; use tcp://host:port "
          "(udp, jgroups and vm discovery are not available)",
          shown, ep.scheme);
      return result;
    }
    if (ep.port == 0) {
      result.error =
          fmt::format("'{}': port 0 is not a server port (e.g. tcp://localhost:61616)", shown);
      return result;
    }
    url.servers.push_back(Server{ep.host, ep.port});
    // A list entry's own parameters apply to it; locator keys written there are honoured too,
    // as the common case is a single-entry list with its parameters inside.
    if (url.is_list) {
      if (auto err = apply_params(url, ep.params); !err.empty()) {
        result.error = fmt::format("'{}': {}", shown, err);
        return result;
      }
    }
  }
  if (auto err = apply_params(url, parsed.value->params); !err.empty()) {
    result.error = fmt::format("'{}': {}", shown, err);
    return result;
  }
  std::sort(url.ignored.begin(), url.ignored.end());
  url.ignored.erase(std::unique(url.ignored.begin(), url.ignored.end()), url.ignored.end());
  result.value = std::move(url);
  return result;
}

std::string tls_from_params(const std::map<std::string, std::string>& params, TlsOptions& out) {
  ClientUrl url;
  if (auto err = apply_params(url, params); !err.empty()) return err;
  out = url.tls;
  return {};
}

std::optional<Server> parse_server(std::string_view text) {
  auto r = parse_url(util::trim(text));
  if (!r.value || r.value->servers.size() != 1) return std::nullopt;
  return r.value->servers.front();
}

std::vector<Server> parse_server_list(std::string_view text) {
  std::vector<Server> out;
  for (const auto& item : util::split(text, ',')) {
    if (auto s = parse_server(item)) out.push_back(*s);
  }
  return out;
}

}  // namespace artemis::client
