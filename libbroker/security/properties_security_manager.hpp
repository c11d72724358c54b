#pragma once
// PropertiesSecurityManager: the SecurityManager behind the generated instance layout.
//   Authentication as etc/login.config's "activemq" domain describes it: users from
//   artemis-users.properties (plain or ENC(...) passwords), roles from artemis-roles.properties
//   (`role = user1,user2`); with a GuestLoginModule, missing or wrong credentials log in as the
//   guest user with the guest role (unless credentialsInvalidate=true and a password was given).
//   Authorisation from <security-settings>: the single most specific matching block decides,
//   nothing is merged; no matching block denies. security-enabled=false allows everything.
// Broker thread only. The users and roles files are re-read when their modification time
// changes (reload=true in the generated login.config), so `artemis user add` takes effect.
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config/broker_config.hpp"
#include "security/login_config.hpp"
#include "security/login_throttle.hpp"
#include "security/security_manager.hpp"
#include "security/user_connections.hpp"
#include "security/user_files.hpp"
#include "util/log.hpp"

namespace artemis::security {

struct UserDirectory {
  std::map<std::string, std::string> passwords;            // user -> stored password
  std::map<std::string, std::set<std::string>> roles;      // user -> roles
};
// Builds the directory from the two files' texts (properties syntax).
UserDirectory parse_user_directory(std::string_view users_text, std::string_view roles_text);

struct SecurityPolicy {
  bool enabled = true;
  std::vector<config::SecuritySetting> settings;
  config::WildcardConfig wildcards;
  LoginPolicy login;
  std::vector<config::ResourceLimitSetting> resource_limits;
};

class PropertiesSecurityManager final : public SecurityManager {
 public:
  // Reads etc/login.config (domain `activemq`) and the users/roles files it names. Errors name
  // the file; `error` is set and nullptr returned when the broker must not start.
  static std::unique_ptr<PropertiesSecurityManager> load(const std::filesystem::path& etc_dir,
                                                         const config::BrokerConfig& config,
                                                         const util::Logger& log,
                                                         std::string& error);

  PropertiesSecurityManager(SecurityPolicy policy, UserDirectory users, const util::Logger& log);

  std::optional<Subject> authenticate(std::string_view user, std::string_view password) override;
  std::optional<Subject> login(std::string_view user, std::string_view password,
                               std::string_view certificate_subject) override;
  bool authorize(const Subject& subject, Permission permission,
                 std::string_view address) override;

  std::uint64_t generation() const override { return generation_; }
  LoginThrottle* login_throttle() override { return &throttle_; }
  UserConnections* user_connections() override { return &user_connections_; }
  UserFiles* user_files() override {
    if (!user_files_) return nullptr;
    // The caller may edit them now: the next login reads them again whatever their mtime.
    users_mtime_ = {};
    return &*user_files_;
  }
  // security-settings edited in broker.xml (configuration reload).
  void update_settings(std::vector<config::SecuritySetting> settings);

  // The block that decides for this address (nullptr: none matches, so denied).
  const config::SecuritySetting* deciding_setting(std::string_view address) const;
  const SecurityPolicy& policy() const { return policy_; }

 private:
  void reload_if_changed();
  std::optional<Subject> by_password(std::string_view user, std::string_view password);
  std::optional<Subject> guest(std::string_view password) const;

  SecurityPolicy policy_;
  std::uint64_t generation_ = 0;
  UserDirectory users_;
  // The certificate login module's users: subject DN -> user, and their roles.
  std::map<std::string, std::string, std::less<>> cert_users_;
  std::map<std::string, std::set<std::string>> cert_roles_;
  const util::Logger& log_;
  LoginThrottle throttle_{log_};
  UserConnections user_connections_{policy_.resource_limits};
  // Set by load(): where the files live and when they were last read.
  std::filesystem::path users_path_, roles_path_;
  std::filesystem::file_time_type users_mtime_{}, roles_mtime_{};
  std::optional<UserFiles> user_files_;
};

}  // namespace artemis::security
