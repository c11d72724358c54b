#pragma once
// etc/login.config (JAAS syntax), read far enough to know how the broker's domain logs users in:
//   activemq {
//      org...PropertiesLoginModule sufficient
//          org.apache.activemq.jaas.properties.user="artemis-users.properties"
//          org.apache.activemq.jaas.properties.role="artemis-roles.properties";
//      org...GuestLoginModule sufficient
//          org.apache.activemq.jaas.guest.user="admin"
//          org.apache.activemq.jaas.guest.role="amq";
//   };
//      org...TextFileCertificateLoginModule sufficient
//          org.apache.activemq.jaas.textfiledn.user="cert-users.properties"
//          org.apache.activemq.jaas.textfiledn.role="cert-roles.properties";
// Comments (/* */, //) are skipped. Modules other than these three are reported as unsupported.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace artemis::security {

struct LoginModuleEntry {
  std::string class_name;
  std::string flag;  // required, requisite, sufficient, optional
  std::map<std::string, std::string> options;
  int line = 0;
};

struct LoginDomain {
  std::string name;
  std::vector<LoginModuleEntry> modules;
};

struct LoginConfig {
  std::vector<LoginDomain> domains;
  const LoginDomain* find(std::string_view domain) const;
};

struct LoginConfigResult {
  std::optional<LoginConfig> config;
  std::string error;  // "login.config:12: expected ';' after the options of ..."
};
LoginConfigResult parse_login_config(std::string_view text, std::string_view file_name);
LoginConfigResult load_login_config(const std::filesystem::path& file);

// What the security manager needs from a domain.
struct LoginPolicy {
  std::string users_file = "artemis-users.properties";  // relative to etc/
  std::string roles_file = "artemis-roles.properties";
  bool properties_module = false;
  bool guest = false;                  // a GuestLoginModule is configured
  std::string guest_user = "guest";    // org.apache.activemq.jaas.guest.user
  std::string guest_role = "guests";   // org.apache.activemq.jaas.guest.role
  bool guest_credentials_invalidate = false;  // credentialsInvalidate=true
  // A TextFileCertificateLoginModule: users by their client certificate's subject.
  bool certificate_module = false;
  std::string cert_users_file = "cert-users.properties";  // user=subject DN
  std::string cert_roles_file = "cert-roles.properties";  // role=user,user
  std::vector<std::string> unsupported;       // other modules' class names
};
LoginPolicy policy_of(const LoginDomain& domain);

}  // namespace artemis::security
