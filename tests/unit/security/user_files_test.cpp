// UserFiles: user add / rm / reset / list on the properties files, keeping what it does not
// change.
#include "security/user_files.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "support/temp_dir.hpp"

using artemis::security::UserFiles;

namespace {
std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
void spit(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p) << text;
}
}  // namespace

TEST_CASE("security: user files add, reset, remove and list users, comments kept") {
  artemis::test_support::TempDir tmp;
  const auto users = tmp.path() / "artemis-users.properties";
  const auto roles = tmp.path() / "artemis-roles.properties";
  spit(users, "# users\nadmin = ENC(1024:AB:CD)\n");
  spit(roles, "# roles\namq = admin\n");
  UserFiles f(users, roles);

  CHECK_FALSE(f.add("ops", "pw", {"amq", "ops"}));
  CHECK(f.add("ops", "pw", {"amq"}) == "AMQ229223: User ops already exists");
  CHECK(slurp(users) == "# users\nadmin = ENC(1024:AB:CD)\nops = pw\n");
  CHECK(slurp(roles) == "# roles\namq = admin,ops\nops = ops\n");
  using Listing = std::vector<std::pair<std::string, std::vector<std::string>>>;
  CHECK(f.list("") == Listing{{"admin", {"amq"}}, {"ops", {"amq", "ops"}}});

  CHECK_FALSE(f.reset("ops", std::nullopt, std::vector<std::string>{"viewers"}));
  CHECK(slurp(roles) == "# roles\namq = admin\nviewers = ops\n");  // empty role dropped
  CHECK_FALSE(f.reset("ops", std::string("pw2"), std::nullopt));
  CHECK(slurp(users) == "# users\nadmin = ENC(1024:AB:CD)\nops = pw2\n");
  CHECK(f.reset("nobody", std::string("x"), std::nullopt) ==
        "AMQ229224: User nobody does not exist");

  CHECK_FALSE(f.remove("ops"));
  CHECK(slurp(users) == "# users\nadmin = ENC(1024:AB:CD)\n");
  CHECK(slurp(roles) == "# roles\namq = admin\n");
  CHECK(f.remove("ops") == "AMQ229224: User ops does not exist");
  CHECK(f.list("ops").empty());
}
