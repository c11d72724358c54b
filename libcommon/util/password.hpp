#pragma once
// Password hashing as Artemis's default one-way codec writes it into artemis-users.properties:
// ENC(<iterations>:<saltHex>:<hashHex>) with PBKDF2-HMAC-SHA1, 1024 iterations, a 32-byte random
// salt and a 64-byte key, both upper-case hex.
#include <string>
#include <string_view>

namespace artemis::util {

std::string hash_password(std::string_view plain);                 // "ENC(1024:...:...)"
bool is_hashed_password(std::string_view stored);                  // starts "ENC(" ends ")"
// Checks `given` against a stored value that is either plain text or ENC(...).
bool verify_password(std::string_view stored, std::string_view given);

}  // namespace artemis::util
