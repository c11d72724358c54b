// <mask-password>, <password-codec> and ENC(...) values in <cluster-password> and in acceptor and
// connector URLs. Masked values are from Artemis's own DefaultSensitiveStringCodec.
#include <doctest/doctest.h>

#include <sstream>

#include "config/describe.hpp"
#include "config_test_support.hpp"

using namespace artemis::config;
using namespace artemis::config::test;

namespace {

const std::string kCodec = "org.apache.activemq.artemis.utils.DefaultSensitiveStringCodec";
// Default key ("clusterpassword").
const std::string kPassword = "3a34fd21b82bf2a822fa49a8d8fa115d";
const std::string kKeypass = "-5a2376c61c668aaf";
const std::string kTrustpass = "3d617352d12839eb71208edf41d66b34";
// Key "artemisfun".
const std::string kPasswordFun = "-2b8e3b47950b9b481a6f3100968e42e9";

std::string masked_core(const std::string& body) {
  return "<configuration xmlns=\"urn:activemq\">\n<core xmlns=\"urn:activemq:core\">\n" + body +
         "\n</core>\n</configuration>\n";
}

std::string tls_acceptor(const std::string& key_pass, const std::string& trust_pass) {
  return "<acceptors>\n<acceptor name=\"netty-ssl\">tcp://0.0.0.0:61617?sslEnabled=true;"
         "keyStorePath=/k.p12;keyStorePassword=" +
         key_pass + ";trustStorePath=/t.p12;trustStorePassword=" + trust_pass +
         "</acceptor>\n</acceptors>";
}

std::string all_errors(const LoadResult& r) {
  std::string all;
  for (const auto& e : r.errors) all += e.to_string() + "\n";
  return all;
}

}  // namespace

TEST_CASE("config: mask-password unset decodes ENC(...) values with the default codec") {
  const auto r =
      load_ok(masked_core("<cluster-password>ENC(" + kPassword + ")</cluster-password>\n" +
                          tls_acceptor("ENC(" + kKeypass + ")", "ENC(" + kTrustpass + ")") +
                          "\n<connectors><connector name=\"c\">tcp://h:61617?"
                          "trustStorePassword=ENC(" +
                          kTrustpass +
                          ")</connector>"
                          "<connector name=\"plain\">tcp://h:61618?trustStorePassword=abc"
                          "</connector></connectors>"));
  CHECK(r.config.cluster_password == "password");
  CHECK_FALSE(r.config.mask_password.has_value());
  REQUIRE(r.config.acceptors.size() == 1);
  CHECK(r.config.acceptors[0].param_text("keyStorePassword") == "keypass");
  CHECK(r.config.acceptors[0].param_text("trustStorePassword") == "trustpass");
  REQUIRE(r.config.connectors.size() == 2);
  CHECK(r.config.connectors[0].param_text("trustStorePassword") == "trustpass");
  CHECK(r.config.connectors[1].param_text("trustStorePassword") == "abc");
}

TEST_CASE("config: mask-password unset leaves plain values alone") {
  const auto r = load_ok(masked_core("<cluster-password>" + kPassword + "</cluster-password>\n" +
                                     tls_acceptor("secret", "ENC-not(x)")));
  CHECK(r.config.cluster_password == kPassword);
  CHECK(r.config.acceptors[0].param_text("keyStorePassword") == "secret");
  CHECK(r.config.acceptors[0].param_text("trustStorePassword") == "ENC-not(x)");
}

TEST_CASE("config: mask-password unset with a password-codec: transports keep the default codec") {
  // As Artemis: <password-codec> reaches acceptors and connectors only with mask-password true.
  const auto r = load_ok(masked_core("<password-codec>" + kCodec +
                                     ";key=artemisfun</password-codec>\n"
                                     "<cluster-password>ENC(" +
                                     kPasswordFun + ")</cluster-password>\n" +
                                     tls_acceptor("ENC(" + kKeypass + ")", "x")));
  CHECK(r.config.cluster_password == "password");
  CHECK(r.config.acceptors[0].param_text("keyStorePassword") == "keypass");
}

TEST_CASE("config: mask-password true decodes every password with the password-codec") {
  // <mask-password> after the values it governs: order in <core> does not matter.
  const auto r = load_ok(masked_core("<cluster-password>" + kPasswordFun + "</cluster-password>\n" +
                                     tls_acceptor(kPasswordFun, "ENC(" + kPasswordFun + ")") +
                                     "\n<mask-password>true</mask-password>\n<password-codec>" +
                                     kCodec + ";key=artemisfun</password-codec>"));
  CHECK(r.config.mask_password == true);
  CHECK(r.config.cluster_password == "password");
  CHECK(r.config.acceptors[0].param_text("keyStorePassword") == "password");
  // Lenient: Artemis would try to decode "ENC(...)" itself and fail.
  CHECK(r.config.acceptors[0].param_text("trustStorePassword") == "password");
}

TEST_CASE("config: mask-password true without a password-codec uses the default codec") {
  const auto r =
      load_ok(masked_core("<mask-password>true</mask-password>\n<cluster-password>" + kPassword +
                          "</cluster-password>\n" + tls_acceptor(kKeypass, kTrustpass)));
  CHECK(r.config.cluster_password == "password");
  CHECK(r.config.acceptors[0].param_text("keyStorePassword") == "keypass");
  CHECK(r.config.acceptors[0].param_text("trustStorePassword") == "trustpass");
}

TEST_CASE("config: mask-password true and a plain password is an error naming it") {
  const auto r =
      load(masked_core("<mask-password>true</mask-password>\n"
                       "<cluster-password>s3cret</cluster-password>\n" +
                       tls_acceptor("secret", kTrustpass)));
  REQUIRE(r.errors.size() == 2);
  const auto all = all_errors(r);
  CHECK(r.errors[0].line == 4);
  CHECK(all.find("<cluster-password> could not be unmasked") != std::string::npos);
  CHECK(all.find("<acceptor> 'netty-ssl': keyStorePassword could not be unmasked") !=
        std::string::npos);
  CHECK(all.find("<mask-password> is true, so every password must be masked") != std::string::npos);
}

TEST_CASE("config: mask-password false keeps ENC(...) as written") {
  const auto enc = "ENC(" + kPassword + ")";
  const auto r = load_ok(masked_core("<mask-password>false</mask-password>\n<cluster-password>" +
                                     enc + "</cluster-password>\n" + tls_acceptor(enc, "x")));
  CHECK(r.config.mask_password == false);
  CHECK(r.config.cluster_password == enc);
  CHECK(r.config.acceptors[0].param_text("keyStorePassword") == enc);
}

TEST_CASE("config: a masked value that does not decode is an error naming where it is") {
  const auto r =
      load(masked_core("<cluster-password>ENC(zz-top)</cluster-password>\n<acceptors>\n"
                       "<acceptor name=\"tls\">tcp://0.0.0.0:61617?keyStorePassword=ENC(" +
                       kPasswordFun + ")</acceptor>\n</acceptors>"));
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].line == 3);
  CHECK(r.errors[0].to_string().find("<cluster-password> could not be unmasked: it is not a "
                                     "two-way masked value") != std::string::npos);
  CHECK(r.errors[1].line == 5);
  CHECK(r.errors[1].message.find("<acceptor> 'tls': keyStorePassword could not be unmasked: it "
                                 "does not decode with this key") != std::string::npos);
}

TEST_CASE("config: an unknown password-codec class is an error naming it") {
  const auto r =
      load(masked_core("<password-codec>com.example.VaultCodec;key=x</password-codec>\n"
                       "<cluster-password>ENC(" +
                       kPassword + ")</cluster-password>"));
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].line == 3);
  CHECK(r.errors[0].code == errc::unsupported);
  CHECK(r.errors[0].message.find("<password-codec>: codec class 'com.example.VaultCodec' is not "
                                 "supported") != std::string::npos);
}

TEST_CASE("config: ARTEMIS_DEFAULT_SENSITIVE_STRING_CODEC_KEY sets the default key") {
  const auto xml = masked_core("<cluster-password>ENC(-170b9ef34d79ed12)</cluster-password>\n" +
                               tls_acceptor("ENC(-170b9ef34d79ed12)", "x"));
  const auto env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "ARTEMIS_DEFAULT_SENSITIVE_STRING_CODEC_KEY") return "helloworld";
    return std::nullopt;
  };
  const auto r = load_broker_xml_string(xml, "broker.xml", "/srv/b", env);
  CHECK(all_errors(r).empty());
  CHECK(r.config.cluster_password == "secret");
  CHECK(r.config.acceptors[0].param_text("keyStorePassword") == "secret");
  // A key given in the codec description wins over the environment.
  const auto keyed = load_broker_xml_string(masked_core("<password-codec>" + kCodec +
                                                        ";key=artemisfun</password-codec>\n"
                                                        "<cluster-password>ENC(" +
                                                        kPasswordFun + ")</cluster-password>"),
                                            "broker.xml", "/srv/b", env);
  CHECK(keyed.config.cluster_password == "password");
}

TEST_CASE("config: printing never shows a password or the codec key") {
  const auto r = load_ok(masked_core("<mask-password>true</mask-password>\n<password-codec>" +
                                     kCodec + ";key=artemisfun</password-codec>\n" +
                                     tls_acceptor(kPasswordFun, "ENC(" + kPasswordFun + ")")));
  std::ostringstream os;
  os << r.config;
  const auto text = os.str();
  CHECK(text.find("mask-password: true\n") != std::string::npos);
  CHECK(text.find("password-codec: " + kCodec + ";key=****\n") != std::string::npos);
  CHECK(text.find("artemisfun") == std::string::npos);
  CHECK(text.find(kPasswordFun) == std::string::npos);
  CHECK(text.find("keyStorePassword: ****\n") != std::string::npos);
  CHECK(text.find("trustStorePassword: ****\n") != std::string::npos);
  CHECK(text.find("keyStorePassword=****;trustStorePath=/t.p12;trustStorePassword=****") !=
        std::string::npos);
  CHECK(text.find(": password\n") == std::string::npos);
  const auto spaced = load_ok(masked_core("<password-codec>" + kCodec +
                                          "; key = artemisfun;x=1"
                                          "</password-codec>"));
  std::ostringstream os2;
  os2 << spaced.config;
  CHECK(os2.str().find("password-codec: " + kCodec + "; key =****;x=****\n") != std::string::npos);
}
