// The `broker` resource's user operations (Artemis's addUser, removeUser, resetUser, listUser)
// on the properties login module's files (security/user_files.hpp).
#include <fmt/core.h>

#include <sstream>

#include "management/resources.hpp"
#include "security/user_files.hpp"
#include "util/password.hpp"

namespace artemis::management {
namespace {

using nlohmann::json;

security::UserFiles& files(const Call& c) {
  auto* f = c.ctx.security.user_files();
  if (f == nullptr)
    throw OperationError(
        "users are not kept in properties files this broker can edit (login.config has no "
        "PropertiesLoginModule, or security is disabled)");
  return *f;
}

std::vector<std::string> roles_of(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string r; std::getline(in, r, ',');) {
    r.erase(0, r.find_first_not_of(' '));
    r.erase(r.find_last_not_of(' ') + 1);
    if (!r.empty()) out.push_back(r);
  }
  return out;
}

std::string stored(const std::string& password, bool plaintext) {
  return plaintext ? password : util::hash_password(password);
}

void check(const std::optional<std::string>& error) {
  if (error) throw OperationError(*error);
}

// addUser(username, password, roles, plaintext)
json add_user(const Call& c) {
  if (c.args.size() != 4) throw no_operation("addUser", c.args);
  const auto user = c.args.text(0), password = c.args.text(1);
  if (user.empty() || password.empty()) throw OperationError("a user needs a name and a password");
  check(files(c).add(user, stored(password, c.args.boolean(3)), roles_of(c.args.text(2))));
  return nullptr;
}

json remove_user(const Call& c) {
  if (c.args.size() != 1) throw no_operation("removeUser", c.args);
  check(files(c).remove(c.args.text(0)));
  return nullptr;
}

// resetUser(username, password, roles[, plaintext]): an empty password or null roles keep
// what is there.
json reset_user(const Call& c) {
  if (c.args.size() < 3 || c.args.size() > 4) throw no_operation("resetUser", c.args);
  const auto password = c.args.text_or(1, "");
  std::optional<std::string> new_password;
  if (!password.empty()) new_password = stored(password, c.args.boolean_or(3, false));
  std::optional<std::vector<std::string>> roles;
  if (c.args.has(2)) roles = roles_of(c.args.text(2));
  check(files(c).reset(c.args.text(0), new_password, roles));
  return nullptr;
}

// listUser(username): [{"username": …, "roles": […]}] as JSON text ("": every user).
json list_user(const Call& c) {
  if (c.args.size() != 1) throw no_operation("listUser", c.args);
  const auto name = c.args.text_or(0, "");
  auto users = files(c).list(name);
  if (!name.empty() && users.empty())
    throw OperationError(fmt::format("AMQ229224: User {} does not exist", name));
  json out = json::array();
  for (auto& [user, roles] : users) out.push_back({{"username", user}, {"roles", roles}});
  return json_text(out);
}

}  // namespace

void add_user_operations(OperationTable& t) {
  // The arguments hold a password: never written to a log.
  t["addUser"] = {add_user, 601152, "adding a user", true, true};
  t["removeUser"] = {remove_user, 601154, "removing a user", true};
  t["resetUser"] = {reset_user, 601155, "resetting a user", true, true};
  t["listUser"] = {list_user, 601153, "listing a user", false};
}

}  // namespace artemis::management
