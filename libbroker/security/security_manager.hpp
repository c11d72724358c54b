#pragma once
// Authentication (etc/artemis-users.properties + artemis-roles.properties, plain or ENC(...)
// passwords, guest login as etc/login.config configures it) and authorisation
// (security-settings: the single most specific match decides, no merging).
// Broker thread only.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace artemis::security {

class AuditLog;
class LoginThrottle;
class UserConnections;
class UserFiles;

enum class Permission {
  send,
  consume,
  browse,
  create_durable_queue,
  delete_durable_queue,
  create_non_durable_queue,
  delete_non_durable_queue,
  create_address,
  delete_address,
  manage,
};
std::string_view to_string(Permission p);  // "createDurableQueue", as broker.xml spells it

struct Subject {
  std::string user;           // validated user name ("" never: guests get the guest user)
  std::set<std::string> roles;
  bool guest = false;
};

class SecurityManager {
 public:
  virtual ~SecurityManager() = default;
  // nullopt: refused (wrong password, unknown user and no guest login).
  virtual std::optional<Subject> authenticate(std::string_view user,
                                              std::string_view password) = 0;
  // A connection's login: the password first, then, when the connection presented a TLS client
  // certificate (its subject as RFC 2253 writes it, "CN=client,O=Acme"; empty: none), a
  // certificate login module's mapping of it, then the guest.
  virtual std::optional<Subject> login(std::string_view user, std::string_view password,
                                       std::string_view certificate_subject) {
    (void)certificate_subject;
    return authenticate(user, password);
  }
  // address may be an FQQN "address::queue".
  virtual bool authorize(const Subject& subject, Permission permission,
                         std::string_view address) = 0;
  // The failed-login back-off shared by every connection (login_throttle.hpp); none: no back-off.
  virtual LoginThrottle* login_throttle() { return nullptr; }
  // Connections per user against resource-limit-settings max-connections; none: no limits.
  virtual UserConnections* user_connections() { return nullptr; }
  // The users and roles files management edits (user add/rm/reset/list); none: users are not
  // kept in files this broker can edit.
  virtual UserFiles* user_files() { return nullptr; }
  // Changes whenever an authorize() answer may have changed (security-settings reloaded), so
  // callers caching answers know to drop them.
  virtual std::uint64_t generation() const { return 0; }

  // The audit trail (audit_log.hpp) the server keeps; null: none.
  AuditLog* audit() const { return audit_; }
  void set_audit(AuditLog* audit) { audit_ = audit; }

 private:
  AuditLog* audit_ = nullptr;
};

}  // namespace artemis::security
