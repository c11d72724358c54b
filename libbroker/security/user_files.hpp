#pragma once
// UserFiles: Artemis's user management (addUser, removeUser, resetUser, listUser) on the
// properties login module's files: artemis-users.properties (`user = password`, ENC(...) for a
// hashed one) and artemis-roles.properties (`role = user1,user2`). Lines it does not change
// (comments, other users) are kept as written; a file is replaced whole (written beside it,
// then renamed), so a reader never sees half of one.
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace artemis::security {

class UserFiles {
 public:
  UserFiles(std::filesystem::path users, std::filesystem::path roles)
      : users_(std::move(users)), roles_(std::move(roles)) {}

  // Each returns the error to report (Artemis's AMQ229223/AMQ229224 texts), or nullopt.
  // `password` is stored as given (the caller hashes it unless plaintext is asked for).
  std::optional<std::string> add(const std::string& user, const std::string& password,
                                 const std::vector<std::string>& roles);
  std::optional<std::string> remove(const std::string& user);
  // nullopt password or roles: kept as they are.
  std::optional<std::string> reset(const std::string& user,
                                   const std::optional<std::string>& password,
                                   const std::optional<std::vector<std::string>>& roles);
  // Every user ("" ) or one, with its roles, in the users file's order.
  std::vector<std::pair<std::string, std::vector<std::string>>> list(const std::string& user);

 private:
  std::filesystem::path users_, roles_;
};

}  // namespace artemis::security
