// resource-limit-settings max-connections: a user's own setting, else "#", else no limit; a
// refused acquire counts nothing and a release gives the place back.
#include "security/user_connections.hpp"

#include <doctest/doctest.h>

using namespace artemis;
using security::UserConnections;

TEST_CASE("user connections: max-connections per user, '#' for the rest") {
  config::ResourceLimitSetting one{"solo", 1, -1, 1};
  config::ResourceLimitSetting rest{"#", 2, -1, 2};
  UserConnections c({one, rest});
  CHECK(c.limit_of("solo") == 1);
  CHECK(c.limit_of("anyone") == 2);
  CHECK(c.acquire("solo"));
  CHECK_FALSE(c.acquire("solo"));
  CHECK(c.held("solo") == 1);
  c.release("solo");
  CHECK(c.acquire("solo"));
  CHECK(c.acquire("anyone"));
  CHECK(c.acquire("anyone"));
  CHECK_FALSE(c.acquire("anyone"));
  UserConnections none({});
  for (int i = 0; i < 100; ++i) CHECK(none.acquire("u"));
  CHECK(none.limit_of("u") == -1);
}
