#include <doctest/doctest.h>

#include <cctype>
#include <string>

#include "util/password.hpp"

using artemis::util::hash_password;
using artemis::util::is_hashed_password;
using artemis::util::verify_password;

namespace {
bool is_upper_hex(const std::string& s) {
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'A' || c > 'F')) return false;
  return !s.empty();
}
}  // namespace

TEST_CASE("password: hash has the ENC(1024:salt:hash) shape with upper-case hex") {
  std::string h = hash_password("admin");
  REQUIRE(is_hashed_password(h));
  REQUIRE(h.substr(0, 9) == "ENC(1024:");
  std::string body = h.substr(9, h.size() - 10);
  auto colon = body.find(':');
  REQUIRE(colon != std::string::npos);
  std::string salt = body.substr(0, colon);
  std::string key = body.substr(colon + 1);
  CHECK(salt.size() == 64);  // 32 bytes
  CHECK(key.size() == 128);  // 64 bytes
  CHECK(is_upper_hex(salt));
  CHECK(is_upper_hex(key));
}

TEST_CASE("password: two hashes of one password differ by salt and both verify") {
  std::string a = hash_password("s3cret");
  std::string b = hash_password("s3cret");
  CHECK(a != b);
  CHECK(verify_password(a, "s3cret"));
  CHECK(verify_password(b, "s3cret"));
  CHECK_FALSE(verify_password(a, "s3creT"));
  CHECK_FALSE(verify_password(a, ""));
}

TEST_CASE("password: RFC 6070 PBKDF2-HMAC-SHA1 vectors verify through ENC form") {
  // P="password", S="salt" (73616C74): c=1 and c=2, dkLen=20.
  CHECK(verify_password("ENC(1:73616C74:0C60C80F961F0E71F3A9B524AF6012062FE037A6)", "password"));
  CHECK(verify_password("ENC(2:73616c74:ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957)", "password"));
  CHECK_FALSE(verify_password("ENC(1:73616C74:0C60C80F961F0E71F3A9B524AF6012062FE037A7)", "password"));
  CHECK_FALSE(verify_password("ENC(2:73616C74:0C60C80F961F0E71F3A9B524AF6012062FE037A6)", "password"));
}

TEST_CASE("password: plain stored values compare exactly") {
  CHECK_FALSE(is_hashed_password("admin"));
  CHECK(verify_password("admin", "admin"));
  CHECK_FALSE(verify_password("admin", "admin "));
  CHECK_FALSE(verify_password("admin", "Admin"));
}

TEST_CASE("password: malformed ENC values never verify") {
  for (const char* bad : {"ENC()", "ENC(1024)", "ENC(1024:ABC)", "ENC(x:73616C74:0C60)",
                          "ENC(0:73616C74:0C60)", "ENC(1:73616C7:0C60)", "ENC(1:ZZ:0C60)",
                          "ENC(99999999:73616C74:0C60)", "ENC(1::0C60)", "ENC(1:73616C74:)"}) {
    CAPTURE(bad);
    CHECK_FALSE(verify_password(bad, "password"));
  }
}
