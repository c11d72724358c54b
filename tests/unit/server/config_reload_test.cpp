#include <doctest/doctest.h>

#include <fstream>

#include "config/loader.hpp"
#include "server/config_reload.hpp"
#include "support/log_capture.hpp"
#include "support/manual_scheduler.hpp"
#include "support/temp_dir.hpp"

using namespace artemis;

namespace {

std::string reload_xml(const std::string& send_roles, const std::string& max_delivery) {
  return R"(<configuration xmlns="urn:activemq"><core xmlns="urn:activemq:core">
  <configuration-file-refresh-period>1000</configuration-file-refresh-period>
  <security-settings><security-setting match="#">
    <permission type="send" roles=")" + send_roles + R"("/>
  </security-setting></security-settings>
  <address-settings><address-setting match="#">
    <max-delivery-attempts>)" + max_delivery + R"(</max-delivery-attempts>
  </address-setting></address-settings>
</core></configuration>)";
}

void reload_write(const std::filesystem::path& file, const std::string& text, int tick) {
  std::ofstream(file) << text;
  // A distinct modification time per edit, whatever the file system's clock resolution.
  std::filesystem::last_write_time(
      file, std::filesystem::file_time_type::clock::now() + std::chrono::seconds(tick));
}

}  // namespace

TEST_CASE("server: broker.xml edits to security-settings and address-settings are applied") {
  test_support::TempDir dir{"config-reload"};
  const auto file = dir.path() / "broker.xml";
  reload_write(file, reload_xml("amq", "10"), 1);
  auto loaded = config::load_broker_xml(file, dir.path());
  REQUIRE(loaded.ok());
  test_support::ManualScheduler scheduler;
  test_support::LogCapture log;
  int applied = 0;
  server::ConfigReloader::Changes last;
  server::ConfigReloader reloader(loaded.config, scheduler, log.logger(),
                                  [&](const config::BrokerConfig& fresh, auto changes) {
                                    ++applied;
                                    last = changes;
                                    CHECK(fresh.security_settings.size() == 1);
                                  });
  reloader.start();

  SUBCASE("unchanged file: nothing happens") {
    scheduler.advance(3000);
    CHECK(applied == 0);
  }
  SUBCASE("security-settings changed: applied at the next period, logged as AMQ221056") {
    reload_write(file, reload_xml("amq,producers", "10"), 2);
    scheduler.advance(1000);
    CHECK(applied == 1);
    CHECK(last.security_settings);
    CHECK_FALSE(last.address_settings);
    CHECK(log.contains("AMQ221056: Reloading configuration: security"));
    // Touched again without a change: not applied twice.
    reload_write(file, reload_xml("amq,producers", "10"), 3);
    scheduler.advance(1000);
    CHECK(applied == 1);
  }
  SUBCASE("address-settings changed") {
    reload_write(file, reload_xml("amq", "3"), 2);
    CHECK(reloader.check());
    CHECK(last.address_settings);
    CHECK_FALSE(last.security_settings);
    CHECK(log.contains("Reloading configuration: address settings"));
  }
  SUBCASE("a broken broker.xml is reported and the running configuration stays") {
    reload_write(file, reload_xml("amq", "ten"), 2);
    CHECK_FALSE(reloader.check());
    CHECK(applied == 0);
    CHECK(log.contains("broker.xml"));
    // Fixed again: now it applies.
    reload_write(file, reload_xml("amq", "4"), 3);
    CHECK(reloader.check());
    CHECK(applied == 1);
  }
}
