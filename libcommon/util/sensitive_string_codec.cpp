// DefaultSensitiveStringCodec's two-way algorithm: Blowfish/ECB/PKCS5Padding (Java's default
// transformation for "Blowfish"), no IV, the key's bytes used as they are (15 bytes for
// "clusterpassword": Blowfish takes variable-length keys, so the length is set, never padded).
// The ciphertext is printed as Java's BigInteger(bytes).toString(16) and read back through
// new BigInteger(hex, 16).toByteArray(), quirks included (see java_integer_bytes).
#include "util/sensitive_string_codec.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "util/password.hpp"
#include "util/strings.hpp"

namespace artemis::util {
namespace {

using Bytes = std::vector<unsigned char>;

constexpr std::size_t kBlockSize = 8;
// Java's Blowfish accepts keys of 32 to 448 bits; keeping its limits keeps values portable.
constexpr std::size_t kMinKeyBytes = 4;
constexpr std::size_t kMaxKeyBytes = 56;
// A masked password is a few blocks; anything far longer is not one (and must not cost much).
constexpr std::size_t kMaxMaskedDigits = 4096;

struct LibCtxFree {
  void operator()(OSSL_LIB_CTX* c) const { OSSL_LIB_CTX_free(c); }
};
struct ProviderUnload {
  void operator()(OSSL_PROVIDER* p) const { OSSL_PROVIDER_unload(p); }
};
struct CipherFree {
  void operator()(EVP_CIPHER* c) const { EVP_CIPHER_free(c); }
};
struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

// OpenSSL's reason for the last failure; the thread's error queue is emptied either way, so a
// later TLS call on this thread does not see our errors as its own.
std::string openssl_reason() {
  const char* data = nullptr;
  int flags = 0;
  // The first error is the cause (a module that would not load); later ones only wrap it.
  const unsigned long code = ERR_peek_error_data(&data, &flags);
  std::string text = "unknown OpenSSL error";
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    text = buf;
    if (data != nullptr && (flags & ERR_TXT_STRING) != 0 && *data != '\0')
      text += std::string(" (") + data + ")";
  }
  ERR_clear_error();
  return text;
}

// Blowfish-ECB over `in`, in a private library context holding the legacy provider (where
// OpenSSL 3 keeps Blowfish). Returns "" on success, else why not.
std::string blowfish(std::string_view key, const Bytes& in, bool encrypt, Bytes& out) {
  if (key.size() < kMinKeyBytes || key.size() > kMaxKeyBytes)
    return "the Blowfish key must be " + std::to_string(kMinKeyBytes) + " to " +
           std::to_string(kMaxKeyBytes) + " bytes long; this one has " + std::to_string(key.size());
  std::unique_ptr<OSSL_LIB_CTX, LibCtxFree> lib(OSSL_LIB_CTX_new());
  if (!lib) return "OpenSSL: " + openssl_reason();
  std::unique_ptr<OSSL_PROVIDER, ProviderUnload> legacy(OSSL_PROVIDER_load(lib.get(), "legacy"));
  std::unique_ptr<OSSL_PROVIDER, ProviderUnload> builtin(OSSL_PROVIDER_load(lib.get(), "default"));
  std::unique_ptr<EVP_CIPHER, CipherFree> cipher;
  if (legacy && builtin) cipher.reset(EVP_CIPHER_fetch(lib.get(), "BF-ECB", nullptr));
  if (!cipher)
    return "two-way password masking needs OpenSSL's legacy provider (Blowfish): " +
           openssl_reason() + " (is legacy.so in OpenSSL's modules directory?)";
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  const int enc = encrypt ? 1 : 0;
  // The key length must be set between choosing the cipher and giving the key.
  if (!ctx || EVP_CipherInit_ex2(ctx.get(), cipher.get(), nullptr, nullptr, enc, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_key_length(ctx.get(), static_cast<int>(key.size())) != 1 ||
      EVP_CipherInit_ex2(ctx.get(), nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                         nullptr, enc, nullptr) != 1)
    return "Blowfish setup failed: " + openssl_reason();
  out.assign(in.size() + kBlockSize, 0);
  int n = 0;
  int tail = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &n, in.data(), static_cast<int>(in.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), out.data() + n, &tail) != 1) {
    ERR_clear_error();
    return encrypt ? "Blowfish encryption failed"
                   : "it does not decode with this key (a wrong key, or not a value made by "
                     "'artemis mask')";
  }
  out.resize(static_cast<std::size_t>(n + tail));
  return {};
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Two's-complement negation in place (big-endian).
void negate(Bytes& b) {
  unsigned carry = 1;
  for (auto it = b.rbegin(); it != b.rend(); ++it) {
    const unsigned v = static_cast<unsigned char>(~*it) + carry;
    *it = static_cast<unsigned char>(v & 0xFF);
    carry = v >> 8;
  }
}

// BigInteger(bytes).toString(16): the bytes as a signed big-endian integer, lower-case hex,
// no leading zeros, '-' and the magnitude when negative.
std::string java_integer_hex(Bytes b) {
  const bool negative = !b.empty() && (b.front() & 0x80) != 0;
  if (negative) negate(b);
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char v : b) {
    hex.push_back(digits[v >> 4]);
    hex.push_back(digits[v & 0x0F]);
  }
  const auto first = hex.find_first_not_of('0');
  hex = first == std::string::npos ? "0" : hex.substr(first);
  return negative ? "-" + hex : hex;
}

// new BigInteger(hex, 16).toByteArray(): the shortest two's-complement form, so a positive
// value whose top bit is set gains a 0x00 and leading 0x00/0xFF bytes that only repeat the sign
// go. nullopt when the text is not a signed hexadecimal number.
std::optional<Bytes> java_integer_bytes(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > kMaxMaskedDigits) return std::nullopt;
  for (char c : text)
    if (hex_digit(c) < 0) return std::nullopt;
  const auto first = text.find_first_not_of('0');
  if (first == std::string_view::npos) return Bytes{0};
  text.remove_prefix(first);
  std::string digits(text);
  if (digits.size() % 2 != 0) digits.insert(0, 1, '0');
  Bytes magnitude(1 + digits.size() / 2, 0);  // one spare leading byte for the sign
  for (std::size_t i = 0; i < digits.size() / 2; ++i)
    magnitude[1 + i] =
        static_cast<unsigned char>(hex_digit(digits[2 * i]) * 16 + hex_digit(digits[2 * i + 1]));
  if (negative) negate(magnitude);
  const unsigned char sign = negative ? 0xFF : 0x00;
  std::size_t drop = 0;
  while (magnitude.size() - drop > 1 && magnitude[drop] == sign &&
         ((magnitude[drop + 1] & 0x80) != 0) == negative)
    ++drop;
  magnitude.erase(magnitude.begin(), magnitude.begin() + static_cast<std::ptrdiff_t>(drop));
  return magnitude;
}

}  // namespace

SensitiveStringCodec::SensitiveStringCodec(std::string key, CodecAlgorithm algorithm)
    : key_(std::move(key)), algorithm_(algorithm) {}

CodecResult SensitiveStringCodec::encode(std::string_view plain) const {
  if (algorithm_ == CodecAlgorithm::one_way) {
    // Artemis prints the one-way value bare; ENC(...) is added where it is stored.
    try {
      return {std::string(unwrap_enc(hash_password(plain))), {}};
    } catch (const std::exception& e) {
      return {std::nullopt, e.what()};
    }
  }
  Bytes cipher;
  auto why = blowfish(key_, Bytes(plain.begin(), plain.end()), true, cipher);
  if (!why.empty()) return {std::nullopt, std::move(why)};
  return {java_integer_hex(std::move(cipher)), {}};
}

CodecResult SensitiveStringCodec::decode(std::string_view masked) const {
  if (algorithm_ == CodecAlgorithm::one_way)
    return {std::nullopt, "the one-way algorithm cannot decode (a hash has no way back)"};
  auto bytes = java_integer_bytes(masked);
  if (!bytes)
    return {std::nullopt,
            "it is not a two-way masked value: expected a hexadecimal number as 'artemis mask' "
            "prints it (e.g. 3a34fd21b82bf2a822fa49a8d8fa115d)"};
  if (bytes->size() % kBlockSize != 0) {
    // Java pads the short form back to whole blocks with 0x00, which restores a ciphertext that
    // began with 0x00 but not one that began with 0xFF (then Artemis cannot read its own
    // output). Extending the sign instead restores both.
    const unsigned char fill = (bytes->front() & 0x80) != 0 ? 0xFF : 0x00;
    bytes->insert(bytes->begin(), kBlockSize - bytes->size() % kBlockSize, fill);
  }
  Bytes plain;
  auto why = blowfish(key_, *bytes, false, plain);
  if (!why.empty()) return {std::nullopt, std::move(why)};
  return {std::string(plain.begin(), plain.end()), {}};
}

std::string codec_key(std::optional<std::string_view> param_key,
                      std::optional<std::string_view> env_key) {
  if (param_key) return std::string(*param_key);
  if (env_key && !trim(*env_key).empty()) return std::string(*env_key);
  return std::string(kDefaultCodecKey);
}

CodecSpecResult parse_password_codec(std::string_view description,
                                     std::optional<std::string_view> env_key) {
  const auto parts = split(description, ';');
  const auto cls = trim(parts.front());
  if (cls != kDefaultCodecClass)
    return {std::nullopt, "codec class '" + std::string(cls) + "' is not supported: only " +
                              std::string(kDefaultCodecClass) +
                              " is built in (a custom Java codec cannot be loaded here)"};
  std::optional<std::string> key;
  auto algorithm = CodecAlgorithm::two_way;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const auto part = trim(parts[i]);
    const auto eq = part.find('=');
    const auto name = trim(part.substr(0, eq));
    // Nothing of the part is quoted: without '=' it may be a key written alone.
    if (eq == std::string_view::npos || name.empty() || eq + 1 == part.size() ||
        part.find('=', eq + 1) != std::string_view::npos)
      return {std::nullopt, "parameter " + std::to_string(i) + " is not name=value (e.g. " +
                                std::string(kDefaultCodecClass) + ";key=myKey)"};
    const auto value = trim(part.substr(eq + 1));
    if (name == "key") {
      key = std::string(value);
    } else if (name == "algorithm") {
      if (value == "two-way")
        algorithm = CodecAlgorithm::two_way;
      else if (value == "one-way")
        algorithm = CodecAlgorithm::one_way;
      else
        return {std::nullopt,
                "algorithm '" + std::string(value) + "' is not supported (use two-way or one-way)"};
    }
    // Other names: Artemis hands them to the codec, which ignores them.
  }
  return {SensitiveStringCodec(codec_key(key, env_key), algorithm), {}};
}

bool is_enc_masked(std::string_view value) {
  return value.size() >= 5 && value.substr(0, 4) == "ENC(" && value.back() == ')';
}

std::string_view unwrap_enc(std::string_view value) {
  return is_enc_masked(value) ? value.substr(4, value.size() - 5) : value;
}

}  // namespace artemis::util
