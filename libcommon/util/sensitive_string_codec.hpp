#pragma once
// Artemis's two-way password masking (DefaultSensitiveStringCodec, algorithm "two-way"): the
// masked form of a password is its Blowfish/ECB/PKCS5 ciphertext under a shared key (default
// "clusterpassword"), printed as a signed hexadecimal integer the way Java's
// BigInteger.toString(16) does. broker.xml and client URLs carry it as ENC(<hex>); `artemis mask`
// prints it. This is obfuscation, not protection: the default key is public.
//
// Blowfish is in OpenSSL 3's legacy provider; every call loads it into a private library context,
// so nothing process-wide changes. Pure functions otherwise, callable from any thread.
#include <optional>
#include <string>
#include <string_view>

namespace artemis::util {

inline constexpr std::string_view kDefaultCodecClass =
    "org.apache.activemq.artemis.utils.DefaultSensitiveStringCodec";
inline constexpr std::string_view kDefaultCodecKey = "clusterpassword";
// Read when neither the codec description nor the command line gives a key.
inline constexpr std::string_view kCodecKeyEnvVar = "ARTEMIS_DEFAULT_SENSITIVE_STRING_CODEC_KEY";

// A value or a sentence saying why there is none. The sentence never contains the secret.
struct CodecResult {
  std::optional<std::string> value;
  std::string error;
};

enum class CodecAlgorithm { two_way, one_way };

// One configured DefaultSensitiveStringCodec. one_way can encode (PBKDF2 "1024:salt:hash", no
// ENC wrapper, as Artemis prints it) but not decode.
class SensitiveStringCodec {
 public:
  explicit SensitiveStringCodec(std::string key = std::string(kDefaultCodecKey),
                                CodecAlgorithm algorithm = CodecAlgorithm::two_way);

  CodecResult encode(std::string_view plain) const;
  // `masked` is the bare hex (no ENC wrapper).
  CodecResult decode(std::string_view masked) const;

  const std::string& key() const { return key_; }
  CodecAlgorithm algorithm() const { return algorithm_; }

 private:
  std::string key_;
  CodecAlgorithm algorithm_;
};

// The key Artemis uses: the codec's own `key` parameter, else the environment variable when it
// is not blank, else "clusterpassword".
std::string codec_key(std::optional<std::string_view> param_key,
                      std::optional<std::string_view> env_key);

// A <password-codec> value: "<class>[;name=value]...". Only kDefaultCodecClass exists here (a
// custom Java class cannot be loaded); its parameters are key= and algorithm=two-way|one-way.
// `env_key` is the value of kCodecKeyEnvVar, if set.
struct CodecSpecResult {
  std::optional<SensitiveStringCodec> codec;
  std::string error;
};
CodecSpecResult parse_password_codec(std::string_view description,
                                     std::optional<std::string_view> env_key);

// "ENC(...)" (case-sensitive, as in Artemis); unwrap_enc returns the text between the brackets.
bool is_enc_masked(std::string_view value);
std::string_view unwrap_enc(std::string_view value);

}  // namespace artemis::util
