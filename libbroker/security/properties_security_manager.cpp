#include "security/properties_security_manager.hpp"

#include <fmt/core.h>

#include <fstream>
#include <sstream>

#include "match/address_match.hpp"
#include "security/properties_file.hpp"
#include "util/password.hpp"
#include "util/strings.hpp"

namespace artemis::security {
namespace {

constexpr const char* kLogger = "org.apache.activemq.artemis.core.server";
constexpr std::string_view kDomain = "activemq";

std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::filesystem::file_time_type mtime(const std::filesystem::path& p) {
  std::error_code ec;
  const auto t = std::filesystem::last_write_time(p, ec);
  return ec ? std::filesystem::file_time_type{} : t;
}

match::Wildcards wildcards_of(const config::WildcardConfig& w) {
  return {w.delimiter, w.any_words, w.single_word};
}

}  // namespace

UserDirectory parse_user_directory(std::string_view users_text, std::string_view roles_text) {
  UserDirectory d;
  for (auto& p : parse_properties(users_text)) d.passwords[p.key] = p.value;
  for (auto& p : parse_properties(roles_text))
    for (const auto& user : util::split(p.value, ','))
      if (auto u = util::trim(user); !u.empty()) d.roles[std::string(u)].insert(p.key);
  return d;
}

std::unique_ptr<PropertiesSecurityManager> PropertiesSecurityManager::load(
    const std::filesystem::path& etc_dir, const config::BrokerConfig& config,
    const util::Logger& log, std::string& error) {
  SecurityPolicy policy;
  policy.enabled = config.security_enabled;
  policy.settings = config.security_settings;
  policy.wildcards = config.wildcards;
  policy.resource_limits = config.resource_limits;
  const auto login_file = etc_dir / "login.config";
  std::error_code ec;
  if (std::filesystem::exists(login_file, ec)) {
    auto parsed = load_login_config(login_file);
    if (!parsed.config) {
      error = parsed.error;
      return nullptr;
    }
    const auto* domain = parsed.config->find(kDomain);
    if (domain == nullptr) {
      error = fmt::format("{}: no '{}' domain (the broker logs users in through it)",
                          login_file.string(), kDomain);
      return nullptr;
    }
    policy.login = policy_of(*domain);
    for (const auto& m : policy.login.unsupported)
      log.plain(util::Level::warn, kLogger, "{}: login module {} is not supported; it is ignored",
                login_file.string(), m);
  } else {
    // No login.config: the properties files alone, no guest.
    policy.login.properties_module = true;
  }
  std::string users_text, roles_text;
  const auto users_path = etc_dir / policy.login.users_file;
  const auto roles_path = etc_dir / policy.login.roles_file;
  if (policy.login.properties_module && config.security_enabled) {
    auto u = read_file(users_path);
    if (!u) {
      error = fmt::format("{}: cannot read the users file named by {}", users_path.string(),
                          login_file.string());
      return nullptr;
    }
    users_text = std::move(*u);
    roles_text = read_file(roles_path).value_or("");
  }
  std::map<std::string, std::string, std::less<>> cert_users;
  std::map<std::string, std::set<std::string>> cert_roles;
  if (policy.login.certificate_module && config.security_enabled) {
    const auto cert_users_path = etc_dir / policy.login.cert_users_file;
    auto u = read_file(cert_users_path);
    if (!u) {
      error = fmt::format("{}: cannot read the certificate users file named by {}",
                          cert_users_path.string(), login_file.string());
      return nullptr;
    }
    // user=subject DN; the DN holds '=' itself, so the first one separates.
    for (auto& p : parse_properties(*u)) cert_users[p.value] = p.key;
    const auto dir =
        parse_user_directory("", read_file(etc_dir / policy.login.cert_roles_file).value_or(""));
    cert_roles = dir.roles;
  }
  auto mgr = std::make_unique<PropertiesSecurityManager>(
      std::move(policy), parse_user_directory(users_text, roles_text), log);
  mgr->cert_users_ = std::move(cert_users);
  mgr->cert_roles_ = std::move(cert_roles);
  mgr->users_path_ = users_path;
  mgr->roles_path_ = roles_path;
  if (!users_path.empty()) mgr->user_files_.emplace(users_path, roles_path);
  mgr->users_mtime_ = mtime(users_path);
  mgr->roles_mtime_ = mtime(roles_path);
  return mgr;
}

PropertiesSecurityManager::PropertiesSecurityManager(SecurityPolicy policy, UserDirectory users,
                                                     const util::Logger& log)
    : policy_(std::move(policy)), users_(std::move(users)), log_(log) {}

void PropertiesSecurityManager::reload_if_changed() {
  if (users_path_.empty()) return;
  const auto um = mtime(users_path_);
  const auto rm = mtime(roles_path_);
  if (um == users_mtime_ && rm == roles_mtime_) return;
  auto u = read_file(users_path_);
  if (!u) return;  // keep the last good directory; the file may be mid-rewrite
  users_ = parse_user_directory(*u, read_file(roles_path_).value_or(""));
  users_mtime_ = um;
  roles_mtime_ = rm;
  log_.plain(util::Level::debug, kLogger, "reloaded {} and {}", users_path_.string(),
             roles_path_.string());
}

std::optional<Subject> PropertiesSecurityManager::authenticate(std::string_view user,
                                                               std::string_view password) {
  if (!policy_.enabled)
    return Subject{user.empty() ? std::string(policy_.login.guest_user) : std::string(user), {},
                   user.empty()};
  if (auto s = by_password(user, password)) return s;
  return guest(password);
}

std::optional<Subject> PropertiesSecurityManager::by_password(std::string_view user,
                                                              std::string_view password) {
  if (!policy_.login.properties_module || user.empty()) return std::nullopt;
  reload_if_changed();
  auto it = users_.passwords.find(std::string(user));
  if (it == users_.passwords.end() || !util::verify_password(it->second, password))
    return std::nullopt;
  Subject s{std::string(user), {}, false};
  if (auto r = users_.roles.find(s.user); r != users_.roles.end()) s.roles = r->second;
  return s;
}

std::optional<Subject> PropertiesSecurityManager::guest(std::string_view password) const {
  const auto& login = policy_.login;
  if (login.guest && !(login.guest_credentials_invalidate && !password.empty()))
    return Subject{login.guest_user, {login.guest_role}, true};
  return std::nullopt;
}

std::optional<Subject> PropertiesSecurityManager::login(std::string_view user,
                                                        std::string_view password,
                                                        std::string_view certificate_subject) {
  if (!policy_.enabled || certificate_subject.empty() || !policy_.login.certificate_module)
    return authenticate(user, password);
  if (auto s = by_password(user, password)) return s;
  if (auto it = cert_users_.find(certificate_subject); it != cert_users_.end()) {
    Subject s{it->second, {}, false};
    if (auto r = cert_roles_.find(s.user); r != cert_roles_.end()) s.roles = r->second;
    return s;
  }
  return guest(password);
}

const config::SecuritySetting* PropertiesSecurityManager::deciding_setting(
    std::string_view address) const {
  const auto w = wildcards_of(policy_.wildcards);
  // An exact FQQN block ("addr::queue") decides for that queue; otherwise the address decides.
  if (const auto sep = address.find("::"); sep != std::string_view::npos) {
    for (const auto& s : policy_.settings)
      if (s.match == address) return &s;
    address = address.substr(0, sep);
  }
  return match::most_specific_by(policy_.settings, address, w,
                                 [](const config::SecuritySetting& s) -> std::string_view {
                                   return s.match;
                                 });
}

void PropertiesSecurityManager::update_settings(std::vector<config::SecuritySetting> settings) {
  policy_.settings = std::move(settings);
  ++generation_;
}

bool PropertiesSecurityManager::authorize(const Subject& subject, Permission permission,
                                          std::string_view address) {
  if (!policy_.enabled) return true;
  const auto* setting = deciding_setting(address);
  if (setting == nullptr) return false;
  const auto name = to_string(permission);
  for (const auto& p : setting->permissions) {
    if (p.type != name) continue;
    for (const auto& role : p.roles)
      if (subject.roles.count(std::string(util::trim(role)))) return true;
  }
  return false;
}

}  // namespace artemis::security
