// The web endpoint's HTTP Basic credentials, decoded from the Authorization header.
#include <doctest/doctest.h>

#include "web/web_server.hpp"

using artemis::web::basic_credentials;

TEST_CASE("web: Basic credentials decode; anything else is no login") {
  using Pair = std::pair<std::string, std::string>;
  CHECK(basic_credentials("Basic YWRtaW46YWRtaW4=") == Pair{"admin", "admin"});
  CHECK(basic_credentials("Basic dTpwOnc=") == Pair{"u", "p:w"});  // a colon in the password
  CHECK(basic_credentials("Basic Og==") == Pair{"", ""});
  CHECK_FALSE(basic_credentials(""));
  CHECK_FALSE(basic_credentials("Bearer abc"));
  CHECK_FALSE(basic_credentials("Basic "));
  CHECK_FALSE(basic_credentials("Basic YWRtaW4="));        // no colon
  CHECK_FALSE(basic_credentials("Basic YWRt!W46"));        // not base64
  CHECK_FALSE(basic_credentials("Basic YWRtaW46YWRtaW"));  // not a multiple of 4
}
