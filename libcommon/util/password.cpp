// PBKDF2-HMAC-SHA1 password hashing in the ENC(<iterations>:<saltHex>:<hashHex>) form that
// artemis-users.properties carries. Pure functions, callable from any thread.
#include "util/password.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

namespace artemis::util {
namespace {

constexpr int kIterations = 1024;
constexpr std::size_t kSaltBytes = 32;
constexpr std::size_t kKeyBytes = 64;
// Bounds for values read back from a file: a hostile or corrupt entry must not make a login
// check burn seconds of CPU or allocate without limit.
constexpr int kMaxIterations = 1'000'000;
constexpr std::size_t kMaxHexBytes = 1024;

std::string to_hex_upper(const std::vector<unsigned char>& bytes) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0F]);
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::vector<unsigned char>> from_hex(std::string_view hex) {
  if (hex.empty() || hex.size() % 2 != 0 || hex.size() / 2 > kMaxHexBytes) return std::nullopt;
  std::vector<unsigned char> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(hex[2 * i]);
    int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}

std::vector<unsigned char> derive(std::string_view plain, const std::vector<unsigned char>& salt,
                                  int iterations, std::size_t key_bytes) {
  std::vector<unsigned char> key(key_bytes);
  if (PKCS5_PBKDF2_HMAC_SHA1(plain.data(), static_cast<int>(plain.size()), salt.data(),
                             static_cast<int>(salt.size()), iterations,
                             static_cast<int>(key.size()), key.data()) != 1)
    throw std::runtime_error("PBKDF2-HMAC-SHA1 key derivation failed");
  return key;
}

}  // namespace

std::string hash_password(std::string_view plain) {
  std::vector<unsigned char> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1)
    throw std::runtime_error("no random bytes available for the password salt");
  auto key = derive(plain, salt, kIterations, kKeyBytes);
  return "ENC(" + std::to_string(kIterations) + ":" + to_hex_upper(salt) + ":" +
         to_hex_upper(key) + ")";
}

bool is_hashed_password(std::string_view stored) {
  return stored.size() >= 5 && stored.substr(0, 4) == "ENC(" && stored.back() == ')';
}

bool verify_password(std::string_view stored, std::string_view given) {
  if (!is_hashed_password(stored))
    return stored.size() == given.size() && CRYPTO_memcmp(stored.data(), given.data(), given.size()) == 0;
  std::string_view body = stored.substr(4, stored.size() - 5);
  auto c1 = body.find(':');
  if (c1 == std::string_view::npos) return false;
  auto c2 = body.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return false;
  std::string_view iter_text = body.substr(0, c1);
  int iterations = 0;
  auto [ptr, ec] = std::from_chars(iter_text.data(), iter_text.data() + iter_text.size(), iterations);
  if (ec != std::errc{} || ptr != iter_text.data() + iter_text.size() || iterations <= 0 ||
      iterations > kMaxIterations)
    return false;
  auto salt = from_hex(body.substr(c1 + 1, c2 - c1 - 1));
  auto expected = from_hex(body.substr(c2 + 1));
  if (!salt || !expected) return false;
  auto key = derive(given, *salt, iterations, expected->size());
  return CRYPTO_memcmp(key.data(), expected->data(), key.size()) == 0;
}

}  // namespace artemis::util
