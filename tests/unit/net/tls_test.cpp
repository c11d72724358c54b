// The TLS context an acceptor's URL parameters make: every refusal names the acceptor and says
// what to change (the happy paths, with real certificates, are tests/system/test_tls.py).
#include "net/tls.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "support/temp_dir.hpp"

using namespace artemis;

namespace {

config::TransportConfig acceptor(std::map<std::string, std::string> params) {
  config::TransportConfig c;
  c.name = "secure";
  c.line = 12;
  c.params = std::move(params);
  return c;
}

std::string refusal(std::map<std::string, std::string> params) {
  std::string error;
  auto ctx = net::make_server_tls_context(acceptor(std::move(params)), error);
  CHECK(ctx == nullptr);
  return error;
}

}  // namespace

TEST_CASE("tls: sslEnabled is read as Artemis writes it") {
  CHECK(net::tls_enabled(acceptor({{"sslEnabled", "true"}})));
  CHECK(net::tls_enabled(acceptor({{"sslEnabled", "TRUE"}})));
  CHECK_FALSE(net::tls_enabled(acceptor({{"sslEnabled", "false"}})));
  CHECK_FALSE(net::tls_enabled(acceptor({})));
}

TEST_CASE("tls: a context without a usable key store is refused, naming the acceptor") {
  const auto none = refusal({{"sslEnabled", "true"}});
  CHECK(none.find("acceptor 'secure' (broker.xml line 12)") != std::string::npos);
  CHECK(none.find("needs keyStorePath") != std::string::npos);

  const auto missing = refusal({{"keyStorePath", "/nonexistent/server.p12"}});
  CHECK(missing.find("cannot open keyStorePath '/nonexistent/server.p12'") != std::string::npos);

  test_support::TempDir dir{"tls-test"};
  const auto jks = (dir.path() / "server.ks").string();
  std::ofstream(jks, std::ios::binary) << std::string("\xfe\xed\xfe\xed\0\0\0\2", 8);
  const auto java = refusal({{"keyStorePath", jks}});
  CHECK(java.find("keytool -importkeystore") != std::string::npos);

  const auto junk = (dir.path() / "junk.p12").string();
  std::ofstream(junk) << "not a key store";
  CHECK(refusal({{"keyStorePath", junk}}).find("is not a PKCS12 file") != std::string::npos);
  CHECK(refusal({{"keyStorePath", junk}, {"keyStoreType", "BKS"}}).find("not PKCS12 or PEM") !=
        std::string::npos);
}

TEST_CASE("tls: enabledProtocols and enabledCipherSuites are checked") {
  CHECK(refusal({{"enabledProtocols", "TLSv1.2,SSLv3"}}).find("'SSLv3' is not one of") !=
        std::string::npos);
  CHECK(refusal({{"enabledProtocols", " , "}}).find("names no protocol") != std::string::npos);
  CHECK(refusal({{"enabledCipherSuites", "NOT-A-CIPHER"}}).find("OpenSSL knows none") !=
        std::string::npos);
}

TEST_CASE("tls: sniHost is a regular expression over the whole name, case ignored") {
  CHECK(net::sni_host_matches("localhost", "LocalHost"));
  CHECK(net::sni_host_matches(R"(broker[0-9]+\.example\.com)", "broker12.example.com"));
  CHECK_FALSE(net::sni_host_matches(R"(broker[0-9]+\.example\.com)", "a.broker1.example.com"));
  CHECK_FALSE(net::sni_host_matches("broker", "broker.example.com"));
  CHECK_FALSE(net::sni_host_matches("broker(", "broker("));  // not a pattern: nothing matches
  CHECK(refusal({{"sniHost", "broker("}}).find("sniHost 'broker(' is not a regular expression") !=
        std::string::npos);
}
