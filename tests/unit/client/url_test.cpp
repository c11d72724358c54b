// Client URLs (cli.md §4.2): single servers, failover lists, locator parameters and defaults,
// and a clear message for each malformed form.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "client/url.hpp"

using namespace artemis::client;

namespace {

ClientUrl ok(const std::string& text) {
  auto r = parse_url(text);
  INFO("url: ", text, " error: ", r.error);
  REQUIRE(r.value.has_value());
  return *r.value;
}

}  // namespace

TEST_CASE("client url: single server with Artemis defaults") {
  const auto u = ok("tcp://localhost:61616");
  REQUIRE(u.servers.size() == 1);
  CHECK(u.servers[0] == Server{"localhost", 61616});
  CHECK_FALSE(u.is_list);
  CHECK_FALSE(u.ha);
  CHECK(u.reconnect_attempts == 0);
  CHECK(u.effective_reconnect_attempts() == 0);
  CHECK(u.initial_connect_attempts == 1);
  CHECK(u.retry_interval_ms == 100);
  CHECK(u.retry_interval_multiplier == 2.0);
  CHECK(u.max_retry_interval_ms == 2000);
  CHECK(u.call_timeout_ms == 30000);
  CHECK(u.connection_ttl_ms == 60000);
  CHECK(u.consumer_window_size == 1048576);
  CHECK(u.block_on_durable_send);
  CHECK_FALSE(u.failover_enabled());
  CHECK(u.to_string() == "tcp://localhost:61616");
}

TEST_CASE("client url: port defaults to 61616") {
  CHECK(ok("tcp://broker1").servers[0].port == 61616);
}

TEST_CASE("client url: IPv6 host in brackets") {
  const auto u = ok("tcp://[::1]:61617");
  CHECK(u.servers[0].host == "::1");
  CHECK(u.servers[0].port == 61617);
  CHECK(u.servers[0].to_string() == "tcp://[::1]:61617");
}

TEST_CASE("client url: '&' and ';' both separate parameters") {
  const auto a = ok("tcp://h:1?retryInterval=100&reconnectAttempts=5;maxRetryInterval=900");
  CHECK(a.retry_interval_ms == 100);
  CHECK(a.reconnect_attempts == 5);
  CHECK(a.max_retry_interval_ms == 900);
}

TEST_CASE("client url: failover list with parameters after the parenthesis") {
  const auto u = ok("(tcp://a:61616,tcp://b:61617)?ha=true&reconnectAttempts=-1&retryInterval=250");
  REQUIRE(u.servers.size() == 2);
  CHECK(u.servers[1] == Server{"b", 61617});
  CHECK(u.is_list);
  CHECK(u.ha);
  CHECK(u.effective_reconnect_attempts() == -1);
  CHECK(u.retry_interval_ms == 250);
  CHECK(u.to_string() == "(tcp://a:61616,tcp://b:61617)");
}

TEST_CASE("client url: ha or a list retries forever unless reconnectAttempts is given") {
  CHECK(ok("tcp://a:1?ha=true").effective_reconnect_attempts() == -1);
  CHECK(ok("(tcp://a:1,tcp://b:2)").effective_reconnect_attempts() == -1);
  CHECK(ok("(tcp://a:1)").effective_reconnect_attempts() == 0);
  CHECK(ok("(tcp://a:1,tcp://b:2)?reconnectAttempts=3").effective_reconnect_attempts() == 3);
  CHECK(ok("tcp://a:1?ha=true&reconnectAttempts=0").effective_reconnect_attempts() == 0);
}

TEST_CASE("client url: spaces around list entries are ignored") {
  const auto u = ok("( tcp://a:1 , tcp://b:2 )?ha=true");
  CHECK(u.servers.size() == 2);
}

TEST_CASE("client url: a single-entry list keeps its inner parameters") {
  const auto u = ok("(tcp://a:1?ha=true)");
  CHECK(u.ha);
}

TEST_CASE("client url: retry delay grows by the multiplier up to the maximum") {
  const auto u = ok("tcp://a:1?retryInterval=100&retryIntervalMultiplier=2&maxRetryInterval=500");
  CHECK(u.retry_delay_ms(0) == 100);
  CHECK(u.retry_delay_ms(1) == 200);
  CHECK(u.retry_delay_ms(2) == 400);
  CHECK(u.retry_delay_ms(3) == 500);
  CHECK(u.retry_delay_ms(50) == 500);
  // A maximum below the interval never shortens the interval.
  CHECK(ok("tcp://a:1?retryInterval=3000").retry_delay_ms(4) == 3000);
}

TEST_CASE("client url: booleans, client id and credentials") {
  const auto u = ok("tcp://a:1?blockOnDurableSend=false&clientID=c1&user=u&password=p%26q");
  CHECK_FALSE(u.block_on_durable_send);
  CHECK(u.client_id == "c1");
  CHECK(u.user == "u");
  CHECK(u.password == "p&q");
}

TEST_CASE("client url: unknown keys are collected, known transport keys are silent") {
  const auto u = ok("tcp://a:1?tcpNoDelay=true&bogusKey=1&useEpoll=true");
  CHECK(u.ignored == std::vector<std::string>{"bogusKey"});
}

TEST_CASE("client url: trailing slash and upper-case scheme") {
  const auto u = ok("TCP://h:5/");
  CHECK(u.servers[0] == Server{"h", 5});
}

TEST_CASE("client url: advertised failover servers") {
  const auto list = parse_server_list("tcp://localhost:61617, tcp://10.0.0.2:61618,garbage");
  REQUIRE(list.size() == 2);
  CHECK(list[0] == Server{"localhost", 61617});
  CHECK(list[1] == Server{"10.0.0.2", 61618});
  CHECK_FALSE(parse_server("udp://231.7.7.7:9876").has_value());
  CHECK(parse_server_list("").empty());
}

TEST_CASE("client url: malformed URLs give a message naming the problem") {
  struct Case {
    const char* url;
    const char* expect;  // a fragment of the message
  };
  const std::vector<Case> cases = {
      {"", "empty"},
      {"localhost:61616", "scheme://host:port"},
      {"tcp://", "missing host"},
      {"tcp://:61616", "missing host"},
      {"tcp://h:abc", "not a port"},
      {"tcp://h:70000", "not a port"},
      {"tcp://h:0", "port 0"},
      {"udp://231.7.7.7:9876", "not supported"},
      {"vm://0", "not supported"},
      {"(tcp://a:1,tcp://b:2", "missing ')'"},
      {"(tcp://a:1,,tcp://b:2)", "empty entry"},
      {"(tcp://a:1)ha=true", "expected '?'"},
      {"tcp://h:1?reconnectAttempts=x", "reconnectAttempts=x"},
      {"tcp://h:1?reconnectAttempts=-2", "-1 (forever)"},
      {"tcp://h:1?retryInterval=-5", "retryInterval=-5"},
      {"tcp://h:1?retryIntervalMultiplier=0.5", ">= 1.0"},
      {"tcp://h:1?retryIntervalMultiplier=fast", "retryIntervalMultiplier=fast"},
      {"tcp://h:1?ha=maybe", "true or false"},
      {"tcp://h:1?initialConnectAttempts=0", "initialConnectAttempts"},
      {"tcp://h:1?sslEnabled=maybe", "sslEnabled=maybe: expected true or false"},
      {"tcp://[::1:61616", "unterminated"},
      {"(tcp://a:1,udp://g:2)?ha=true", "scheme 'udp'"},
  };
  for (const auto& c : cases) {
    const std::string url = c.url;
    CAPTURE(url);
    const auto r = parse_url(url);
    CHECK_FALSE(r.value.has_value());
    CHECK(r.error.find(c.expect) != std::string::npos);
    INFO(r.error);
  }
}

TEST_CASE("client url: TLS parameters as Artemis's client takes them") {
  const auto r = parse_url(
      "tcp://h:1?sslEnabled=true&trustStorePath=/etc/ca.pem&trustStorePassword=pw&"
      "trustStoreType=PEM&keyStorePath=/etc/me.p12&keyStorePassword=k&verifyHost=false&"
      "sniHost=broker.example");
  REQUIRE(r.value);
  const auto& t = r.value->tls;
  CHECK(t.enabled);
  CHECK(t.trust_store.path == "/etc/ca.pem");
  CHECK(t.trust_store.password == "pw");
  CHECK(t.trust_store.type == "PEM");
  CHECK(t.key_store.path == "/etc/me.p12");
  CHECK(t.key_store.password == "k");
  CHECK_FALSE(t.verify_host);
  CHECK_FALSE(t.trust_all);
  CHECK(t.sni_host == "broker.example");
  CHECK(r.value->ignored.empty());
  const auto plain = parse_url("tcp://h:1");
  REQUIRE(plain.value);
  CHECK_FALSE(plain.value->tls.enabled);
  CHECK(plain.value->tls.verify_host);  // Artemis's client default
  const auto all = parse_url("tcp://h:1?sslEnabled=true;trustAll=true");
  REQUIRE(all.value);
  CHECK(all.value->tls.trust_all);
}

TEST_CASE("client url: store passwords may be masked as ENC(...) with the default codec") {
  // Masked by Artemis's DefaultSensitiveStringCodec with its default key.
  const auto r = parse_url(
      "tcp://h:1?sslEnabled=true&trustStorePassword=ENC(3d617352d12839eb"
      "71208edf41d66b34)&keyStorePassword=ENC(-5a2376c61c668aaf)");
  REQUIRE(r.value);
  CHECK(r.value->tls.trust_store.password == "trustpass");
  CHECK(r.value->tls.key_store.password == "keypass");
  const auto list = parse_url(
      "(tcp://a:1?trustStorePassword=ENC(-5a2376c61c668aaf),tcp://b:2)"
      "?sslEnabled=true");
  REQUIRE(list.value);
  CHECK(list.value->tls.trust_store.password == "keypass");
  REQUIRE(list.value->servers.size() == 2);
  const auto outer = parse_url("(tcp://a:1,tcp://b:2)?keyStorePassword=ENC(-5a2376c61c668aaf)");
  REQUIRE(outer.value);
  CHECK(outer.value->tls.key_store.password == "keypass");
  const auto plain = parse_url("tcp://h:1?trustStorePassword=ENCRYPTED");
  REQUIRE(plain.value);
  CHECK(plain.value->tls.trust_store.password == "ENCRYPTED");
  for (const char* bad : {"tcp://h:1?keyStorePassword=ENC(xyz)",
                          "tcp://h:1?trustStorePassword=ENC(3a34fd21b82bf2a822fa49a8d8fa115e)"}) {
    CAPTURE(bad);
    const auto e = parse_url(bad);
    CHECK_FALSE(e.value);
    CHECK(e.error.find("could not be unmasked") != std::string::npos);
  }
}
