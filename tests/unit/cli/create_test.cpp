#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "create.hpp"
#include "support/temp_dir.hpp"
#include "util/password.hpp"

using namespace artemis::cli;
using artemis::test_support::TempDir;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run create(CreateOptions o, const std::string& input = "", Interactive interactive = Interactive::no) {
  Context ctx;
  ctx.binary = "/opt/artemis/bin/artemis";
  ctx.home = "/opt/artemis";
  std::istringstream in(input);
  std::ostringstream out, err;
  int code = run_create(std::move(o), ctx, interactive, in, out, err);
  return {code, out.str(), err.str()};
}

CreateOptions seed_master(const fs::path& dir) {
  CreateOptions o;
  o.directory = dir.string();
  o.name = "master";
  o.user = "admin";
  o.password = "admin";
  o.allow_anonymous = true;
  o.no_autotune = true;
  o.silent = true;
  return o;
}

}  // namespace

TEST_CASE("cli: create writes the whole instance tree with the seed's options") {
  TempDir tmp;
  fs::path inst = tmp.path() / "brokers" / "master";
  Run r = create(seed_master(inst));
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "Creating ActiveMQ Artemis instance at: " + inst.string() +
                     "\n\nYou can now start the broker by executing:  \n\n   \"" + inst.string() +
                     "/bin/artemis\" run\n\nOr you can run the broker in the background using:\n\n"
                     "   \"" + inst.string() + "/bin/artemis-service\" start\n\n");
  for (const char* f : {"bin/artemis", "bin/artemis-service", "etc/broker.xml", "etc/bootstrap.xml",
                        "etc/management.xml", "etc/jolokia-access.xml", "etc/login.config",
                        "etc/artemis-users.properties", "etc/artemis-roles.properties",
                        "etc/artemis.profile", "etc/artemis-utility.profile",
                        "etc/log4j2.properties", "etc/log4j2-utility.properties"}) {
    CAPTURE(f);
    CHECK(fs::is_regular_file(inst / f));
  }
  for (const char* d : {"data", "log", "tmp", "lib"}) CHECK(fs::is_directory(inst / d));
  CHECK_FALSE(fs::exists(inst / "lock"));
  struct stat st {};
  REQUIRE(::stat((inst / "bin/artemis").c_str(), &st) == 0);
  CHECK((st.st_mode & S_IXUSR) != 0);

  std::string broker = slurp(inst / "etc/broker.xml");
  CHECK(broker.find("<name>master</name>") != std::string::npos);
  CHECK(broker.find("<journal-type>NIO</journal-type>") != std::string::npos);
  CHECK(broker.find("tcp://0.0.0.0:61616?") != std::string::npos);
  CHECK(broker.find("tcp://0.0.0.0:61613?") != std::string::npos);
  CHECK(broker.find("<paging-directory>data/paging</paging-directory>") != std::string::npos);
  CHECK(broker.find("journal-buffer-timeout") == std::string::npos);  // --no-autotune
  CHECK(broker.find("ha-policy") == std::string::npos);
  CHECK(broker.find("${") == std::string::npos);

  std::string users = slurp(inst / "etc/artemis-users.properties");
  auto eq = users.find("admin = ");
  REQUIRE(eq != std::string::npos);
  std::string stored = users.substr(eq + 8, users.find('\n', eq) - eq - 8);
  CHECK(artemis::util::is_hashed_password(stored));
  CHECK(artemis::util::verify_password(stored, "admin"));
  CHECK(slurp(inst / "etc/artemis-roles.properties").find("amq = admin\n") != std::string::npos);
  CHECK(slurp(inst / "etc/login.config").find("GuestLoginModule sufficient") != std::string::npos);
  std::string launcher = slurp(inst / "bin/artemis");
  CHECK(launcher.find("ARTEMIS_BIN='/opt/artemis/bin/artemis'") != std::string::npos);
  CHECK(launcher.find("ARTEMIS_INSTANCE_ETC='" + inst.string() + "/etc'") != std::string::npos);
  CHECK(slurp(inst / "etc/artemis.profile").find("ARTEMIS_INSTANCE='" + inst.string() + "'") !=
        std::string::npos);
  CHECK(slurp(inst / "etc/bootstrap.xml")
            .find("<server configuration=\"file:" + inst.string() + "/etc/broker.xml\"/>") !=
        std::string::npos);
}

TEST_CASE("cli: create --port-offset moves every acceptor and the web port") {
  TempDir tmp;
  CreateOptions o = seed_master(tmp.path() / "slave");
  o.name = "slave";
  o.port_offset = 1;
  REQUIRE(create(o).code == 0);
  std::string broker = slurp(tmp.path() / "slave/etc/broker.xml");
  for (const char* hp : {"0.0.0.0:61617?", "0.0.0.0:5673?", "0.0.0.0:61614?", "0.0.0.0:5446?",
                         "0.0.0.0:1884?"}) {
    CAPTURE(hp);
    CHECK(broker.find(hp) != std::string::npos);
  }
  CHECK(slurp(tmp.path() / "slave/etc/bootstrap.xml").find("http://localhost:8162") !=
        std::string::npos);
}

TEST_CASE("cli: create with shared store, backup and a static cluster emits the HA blocks") {
  TempDir tmp;
  CreateOptions o = seed_master(tmp.path() / "b");
  o.shared_store = true;
  o.backup = true;
  o.failover_on_shutdown = true;
  o.static_cluster = "tcp://localhost:61616,tcp://localhost:61618";
  REQUIRE(create(o).code == 0);
  std::string broker = slurp(tmp.path() / "b/etc/broker.xml");
  CHECK(broker.find("<shared-store>\n            <backup>\n               <failover-on-shutdown>true"
                    "</failover-on-shutdown>\n            </backup>") != std::string::npos);
  CHECK(broker.find("<connector name=\"artemis\">tcp://localhost:61616</connector>") != std::string::npos);
  CHECK(broker.find("<connector name = \"node0\">tcp://localhost:61616</connector>") != std::string::npos);
  CHECK(broker.find("<connector name = \"node1\">tcp://localhost:61618</connector>") != std::string::npos);
  CHECK(broker.find("<connector-ref>node1</connector-ref>") != std::string::npos);
  CHECK(broker.find("<cluster-user>cluster-admin</cluster-user>") != std::string::npos);
  CHECK(broker.find("<cluster-password>password-admin</cluster-password>") != std::string::npos);
  CHECK(broker.find("<message-load-balancing>ON_DEMAND</message-load-balancing>") != std::string::npos);
  CHECK(broker.find("tcp://localhost:61616?") != std::string::npos);  // clustered host: localhost
  CHECK(broker.find("broadcast-group") == std::string::npos);
  CHECK(broker.find("${") == std::string::npos);
}

TEST_CASE("cli: create refuses to overwrite without --force and overwrites with it") {
  TempDir tmp;
  CreateOptions o = seed_master(tmp.path() / "i");
  REQUIRE(create(o).code == 0);
  Run again = create(o);
  CHECK(again.code == 1);
  CHECK(again.err == "The file '" + (tmp.path() / "i/etc/login.config").string() +
                         "' already exists.  Use --force to overwrite.\n");
  o.force = true;
  o.require_login = true;
  o.allow_anonymous = false;
  REQUIRE(create(o).code == 0);
  CHECK(slurp(tmp.path() / "i/etc/login.config").find("GuestLoginModule") == std::string::npos);
  CHECK(slurp(tmp.path() / "i/etc/login.config").find("PropertiesLoginModule required") !=
        std::string::npos);
}

TEST_CASE("cli: create rejects conflicting or invalid values with exit code 1") {
  TempDir tmp;
  SUBCASE("two journal types") {
    CreateOptions o = seed_master(tmp.path() / "x");
    o.aio = true;
    o.nio = true;
    Run r = create(o);
    CHECK(r.code == 1);
    CHECK(r.err.find("You can only select one journal type (--nio | --aio | --mapped).") == 0);
  }
  SUBCASE("block size not a multiple of 512") {
    CreateOptions o = seed_master(tmp.path() / "x");
    o.journal_device_block_size = 1000;
    Run r = create(o);
    CHECK(r.code == 1);
    CHECK(r.err.find("The device-block-size must be a multiple of 512") == 0);
    CHECK_FALSE(fs::exists(tmp.path() / "x/etc"));
  }
  SUBCASE("port offset out of range") {
    CreateOptions o = seed_master(tmp.path() / "x");
    o.port_offset = 4000;
    Run r = create(o);
    CHECK(r.code == 1);
    CHECK(r.err.find("outside 1-65535") != std::string::npos);
  }
  SUBCASE("directory that cannot be created") {
    std::ofstream(tmp.path() / "file") << "x";
    CreateOptions o = seed_master(tmp.path() / "file" / "sub");
    Run r = create(o);
    CHECK(r.code == 1);
    CHECK(r.err.find("Unable to create the path '") == 0);
  }
}

TEST_CASE("cli: create --no-fsync picks MAPPED when silent, as Artemis's default answer") {
  TempDir tmp;
  CreateOptions o = seed_master(tmp.path() / "m");
  o.no_fsync = true;
  REQUIRE(create(o).code == 0);
  std::string broker = slurp(tmp.path() / "m/etc/broker.xml");
  CHECK(broker.find("<journal-type>MAPPED</journal-type>") != std::string::npos);
  CHECK(broker.find("<journal-datasync>false</journal-datasync>") != std::string::npos);
}

TEST_CASE("cli: create prompts for missing values when interactive") {
  TempDir tmp;
  CreateOptions o;
  o.directory = (tmp.path() / "p").string();
  o.no_autotune = true;
  Run r = create(o, "\nbob\nsecret\nmaybe\nN\n", Interactive::yes);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("\n--user:\n") != std::string::npos);
  CHECK(r.out.find("\n--password: is mandatory with this configuration:\n") != std::string::npos);
  CHECK(r.out.find("Invalid Entry!") != std::string::npos);
  CHECK(r.out.find("valid values are Y, N, True, False") != std::string::npos);
  CHECK(slurp(tmp.path() / "p/etc/artemis-roles.properties").find("amq = bob") !=
        std::string::npos);
  CHECK(slurp(tmp.path() / "p/etc/login.config").find("GuestLoginModule") == std::string::npos);
}

TEST_CASE("cli: create fails cleanly when interactive input ends") {
  TempDir tmp;
  CreateOptions o;
  o.directory = (tmp.path() / "p").string();
  o.no_autotune = true;
  Run r = create(o, "", Interactive::yes);
  CHECK(r.code == 1);
  CHECK(r.err.find("No input for --user") != std::string::npos);
}

TEST_CASE("cli: create --queues and --addresses add address entries") {
  TempDir tmp;
  CreateOptions o = seed_master(tmp.path() / "q");
  o.queues = {"orders", "events:multicast"};
  o.addresses = {"news", "jobs:anycast", "bad:sideways"};
  Run r = create(o);
  REQUIRE(r.code == 0);
  CHECK(r.err == "Invalid routing type: sideways\n");
  std::string broker = slurp(tmp.path() / "q/etc/broker.xml");
  CHECK(broker.find("<address name=\"orders\">\n            <anycast>\n               <queue name=\"orders\" />") !=
        std::string::npos);
  CHECK(broker.find("<address name=\"events\">\n            <multicast>") != std::string::npos);
  CHECK(broker.find("<address name=\"news\">\n            <multicast/>") != std::string::npos);
  CHECK(broker.find("<address name=\"jobs\">\n            <anycast/>") != std::string::npos);
}

namespace {

std::string binding_line(const fs::path& inst) {
  std::string xml = slurp(inst / "etc/bootstrap.xml");
  auto start = xml.find("<binding ");
  if (start == std::string::npos) return "";
  return xml.substr(start, xml.find('\n', start) - start);
}

}  // namespace

TEST_CASE("cli: create --ssl-key and --use-client-auth put the stores on the web binding") {
  TempDir tmp;
  CreateOptions o = seed_master(tmp.path() / "w");
  o.http_host = "0.0.0.0";
  o.ssl_key = "etc/keystore.p12";
  o.ssl_key_password = "k&y\"pw${password}";
  o.use_client_auth = true;
  o.ssl_trust = "etc/truststore.p12";
  o.ssl_trust_password = "trustpw";
  Run r = create(o);
  REQUIRE(r.code == 0);
  // Relative store paths are not checked (`run` reads them against the instance).
  CHECK(r.err.empty());
  CHECK(binding_line(tmp.path() / "w") ==
        "<binding name=\"artemis\" uri=\"https://0.0.0.0:8161\" keyStorePath=\"etc/keystore.p12\" "
        "keyStorePassword=\"k&amp;y&quot;pw&#36;{password}\" clientAuth=\"true\" "
        "trustStorePath=\"etc/truststore.p12\" trustStorePassword=\"trustpw\">");
}

TEST_CASE("cli: create --ssl-key uses Artemis's silent defaults for what is missing") {
  TempDir tmp;
  CreateOptions o = seed_master(tmp.path() / "w");
  o.ssl_key = (tmp.path() / "missing.jks").string();
  SUBCASE("key only") {
    Run r = create(o);
    REQUIRE(r.code == 0);
    CHECK(r.err == "Warning: key store '" + *o.ssl_key +
                       "' does not exist; the web server needs it when the broker starts\n");
    CHECK(binding_line(tmp.path() / "w") ==
          "<binding name=\"artemis\" uri=\"https://localhost:8161\" keyStorePath=\"" + *o.ssl_key +
              "\" keyStorePassword=\"password\">");
  }
  SUBCASE("client auth") {
    o.use_client_auth = true;
    REQUIRE(create(o).code == 0);
    CHECK(binding_line(tmp.path() / "w")
              .find(" clientAuth=\"true\" trustStorePath=\"/etc/truststore.jks\" "
                    "trustStorePassword=\"password\">") != std::string::npos);
  }
}

TEST_CASE("cli: create asks for the key store password, trust store and its password in order") {
  TempDir tmp;
  CreateOptions o = seed_master(tmp.path() / "w");
  o.silent = false;
  o.ssl_key = "key.jks";
  o.use_client_auth = true;
  Run r = create(o, "kpw\ntrust.jks\ntpw\n", Interactive::yes);
  REQUIRE(r.code == 0);
  auto key = r.out.find(
      "\n--ssl-key-password: is mandatory with this configuration:\n"
      "What is the keystore password?\n");
  auto trust = r.out.find("\n--ssl-trust:\nWhat is the trust store path?\n");
  auto trust_pw = r.out.find("\n--ssl-trust-password: is mandatory with this configuration:\n");
  REQUIRE(key != std::string::npos);
  CHECK(key < trust);
  CHECK(trust < trust_pw);
  CHECK(trust_pw != std::string::npos);
  CHECK(binding_line(tmp.path() / "w")
            .find("keyStorePassword=\"kpw\" clientAuth=\"true\" trustStorePath=\"trust.jks\" "
                  "trustStorePassword=\"tpw\">") != std::string::npos);
}

TEST_CASE("cli: create warns about web TLS options that cannot take effect") {
  TempDir tmp;
  CreateOptions o = seed_master(tmp.path() / "w");
  o.use_client_auth = true;
  o.ssl_trust = "t.jks";
  SUBCASE("without --ssl-key") {
    Run r = create(o);
    REQUIRE(r.code == 0);
    CHECK(r.err == "Warning: --use-client-auth, --ssl-trust ignored without --ssl-key\n");
    CHECK(binding_line(tmp.path() / "w") ==
          "<binding name=\"artemis\" uri=\"http://localhost:8161\">");
  }
  SUBCASE("trust store without --use-client-auth") {
    o.ssl_key = "k.jks";
    o.use_client_auth = false;
    Run r = create(o);
    REQUIRE(r.code == 0);
    CHECK(
        r.err.starts_with("Warning: --ssl-trust and --ssl-trust-password are ignored without "
                          "--use-client-auth\n"));
  }
  SUBCASE("with --no-web") {
    o.ssl_key = "k.jks";
    o.no_web = true;
    o.silent = false;
    Run r = create(o, "", Interactive::yes);  // nothing is asked: no input needed
    REQUIRE(r.code == 0);
    CHECK(r.err.find("ignored: --no-web leaves the web server out of bootstrap.xml") !=
          std::string::npos);
    CHECK(slurp(tmp.path() / "w/etc/bootstrap.xml").find("<web") == std::string::npos);
  }
}
