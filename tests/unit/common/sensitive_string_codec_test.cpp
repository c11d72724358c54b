#include "util/sensitive_string_codec.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>

using artemis::util::codec_key;
using artemis::util::CodecAlgorithm;
using artemis::util::is_enc_masked;
using artemis::util::parse_password_codec;
using artemis::util::SensitiveStringCodec;
using artemis::util::unwrap_enc;

namespace {

std::string encode(const SensitiveStringCodec& c, const std::string& plain) {
  const auto r = c.encode(plain);
  INFO(r.error);
  REQUIRE(r.value);
  return *r.value;
}

std::string decode(const SensitiveStringCodec& c, const std::string& masked) {
  const auto r = c.decode(masked);
  INFO(r.error);
  REQUIRE(r.value);
  return *r.value;
}

}  // namespace

// Values printed by Artemis's own DefaultSensitiveStringCodec (Java).
TEST_CASE("sensitive codec: Artemis vectors with the default key") {
  const SensitiveStringCodec codec;
  CHECK(codec.key() == "clusterpassword");
  CHECK(encode(codec, "password") == "3a34fd21b82bf2a822fa49a8d8fa115d");
  CHECK(decode(codec, "3a34fd21b82bf2a822fa49a8d8fa115d") == "password");
  CHECK(decode(codec, "80cf731af62c290") == "guest");  // leading zero digit dropped
  CHECK(decode(codec, "32c6f67dae6cd61b0a7ad1702033aa81e6b2a760123f4360") == "oxtailbottomfeeder");
  CHECK(decode(codec, "-5a2376c61c668aaf") == "keypass");  // ciphertext starts >= 0x80
  CHECK(decode(codec, "3d617352d12839eb71208edf41d66b34") == "trustpass");
  CHECK(encode(codec, "guest") == "80cf731af62c290");
  CHECK(encode(codec, "keypass") == "-5a2376c61c668aaf");
}

TEST_CASE("sensitive codec: Artemis vectors with a key of their own") {
  const SensitiveStringCodec fun("artemisfun");
  CHECK(encode(fun, "password") == "-2b8e3b47950b9b481a6f3100968e42e9");
  CHECK(decode(fun, "-2b8e3b47950b9b481a6f3100968e42e9") == "password");
  const SensitiveStringCodec hello("helloworld");
  CHECK(decode(hello, "-170b9ef34d79ed12") == "secret");
}

TEST_CASE("sensitive codec: upper-case digits and a '+' sign read as Java reads them") {
  const SensitiveStringCodec codec;
  CHECK(decode(codec, "3A34FD21B82BF2A822FA49A8D8FA115D") == "password");
  CHECK(decode(codec, "+3a34fd21b82bf2a822fa49a8d8fa115d") == "password");
  CHECK(decode(codec, "0003a34fd21b82bf2a822fa49a8d8fa115d") == "password");
}

TEST_CASE("sensitive codec: random strings round-trip, negative and short forms included") {
  std::mt19937 rng(20240531);
  std::uniform_int_distribution<int> length(0, 40);
  std::uniform_int_distribution<int> byte(1, 255);
  const SensitiveStringCodec codecs[] = {SensitiveStringCodec(), SensitiveStringCodec("k3y!")};
  int negatives = 0;
  int short_forms = 0;  // fewer digits than the ciphertext has (leading zero bytes dropped)
  for (int i = 0; i < 600; ++i) {
    std::string plain;
    const int n = length(rng);
    for (int j = 0; j < n; ++j) plain.push_back(static_cast<char>(byte(rng)));
    const auto& codec = codecs[i % 2];
    const auto masked = encode(codec, plain);
    const auto digits = masked.size() - (masked[0] == '-' ? 1 : 0);
    negatives += masked[0] == '-';
    short_forms += digits % 16 != 0;
    CHECK(decode(codec, masked) == plain);
  }
  CHECK(negatives > 200);
  CHECK(short_forms > 10);
}

TEST_CASE("sensitive codec: a ciphertext starting ff8x decodes (Java cannot read it back)") {
  // Search for a plain text whose one-block ciphertext starts 0xFF with the next byte >= 0x80:
  // BigInteger drops that 0xFF, leaving 7 bytes that Java would pad with 0x00.
  const SensitiveStringCodec codec;
  bool found = false;
  for (int i = 0; i < 20000 && !found; ++i) {
    const auto plain = "p" + std::to_string(i);
    const auto masked = encode(codec, plain);
    // Magnitude below 2^55: its shortest two's-complement form has 7 bytes.
    const auto digits = masked.size() - 1;
    if (masked[0] == '-' && (digits < 14 || (digits == 14 && masked[1] < '8'))) {
      found = true;
      CHECK(decode(codec, masked) == plain);
    }
  }
  CHECK(found);
}

TEST_CASE("sensitive codec: bad input is an error, never a crash") {
  const SensitiveStringCodec codec;
  for (const char* bad :
       {"", "-", "+", "xyz", "3a34fd21 b82b", "ENC(3a34fd21b82bf2a8)", "0x12", "--12", "12-"}) {
    CAPTURE(bad);
    const auto r = codec.decode(bad);
    CHECK_FALSE(r.value);
    CHECK(r.error.find("not a two-way masked value") != std::string::npos);
  }
  // Hex, but not a whole ciphertext or not one with valid padding.
  const std::string hex_only[] = {"0", "1", "3a34fd21b82bf2a822fa49a8d8fa115e", "3a34fd21b82bf2a8",
                                  std::string(5000, '7')};
  for (const auto& bad : hex_only) {
    CAPTURE(bad);
    const auto r = codec.decode(bad);
    CHECK_FALSE(r.value);
    CHECK_FALSE(r.error.empty());
  }
}

TEST_CASE("sensitive codec: the wrong key is an error, not the secret") {
  const SensitiveStringCodec wrong("artemisfun");
  const auto r = wrong.decode("3a34fd21b82bf2a822fa49a8d8fa115d");
  CHECK_FALSE(r.value);
  CHECK(r.error.find("does not decode with this key") != std::string::npos);
  // Whatever a wrong key yields (a wrong key can pass the padding check by chance), it is never
  // the password.
  for (const char* key : {"abcd", "clusterpasswore", "a-much-longer-key-of-forty-bytes-or-so!!"}) {
    const auto any = SensitiveStringCodec(key).decode("3a34fd21b82bf2a822fa49a8d8fa115d");
    CHECK(any.value.value_or("") != "password");
  }
}

TEST_CASE("sensitive codec: key length limits are Java's") {
  CHECK_FALSE(SensitiveStringCodec("").encode("x").value);
  CHECK_FALSE(SensitiveStringCodec("abc").encode("x").value);
  CHECK(SensitiveStringCodec("abcd").encode("x").value);
  CHECK(SensitiveStringCodec(std::string(56, 'k')).encode("x").value);
  const auto r = SensitiveStringCodec(std::string(57, 'k')).encode("x");
  CHECK_FALSE(r.value);
  CHECK(r.error.find("4 to 56 bytes") != std::string::npos);
}

TEST_CASE(
    "sensitive codec: key precedence is parameter, then non-blank environment, then default") {
  CHECK(codec_key(std::nullopt, std::nullopt) == "clusterpassword");
  CHECK(codec_key(std::nullopt, "fromenv") == "fromenv");
  CHECK(codec_key(std::nullopt, "  ") == "clusterpassword");
  CHECK(codec_key(std::nullopt, "") == "clusterpassword");
  CHECK(codec_key("param", "fromenv") == "param");
}

TEST_CASE("sensitive codec: password-codec descriptions") {
  const std::string cls = "org.apache.activemq.artemis.utils.DefaultSensitiveStringCodec";
  auto plain = parse_password_codec(cls, std::nullopt);
  REQUIRE(plain.codec);
  CHECK(plain.codec->key() == "clusterpassword");
  auto env = parse_password_codec(cls, "helloworld");
  REQUIRE(env.codec);
  CHECK(decode(*env.codec, "-170b9ef34d79ed12") == "secret");
  auto keyed = parse_password_codec(cls + ";key=artemisfun", "helloworld");
  REQUIRE(keyed.codec);
  CHECK(keyed.codec->key() == "artemisfun");
  auto spaced = parse_password_codec(" " + cls + " ; key = artemisfun ", std::nullopt);
  REQUIRE(spaced.codec);
  CHECK(spaced.codec->key() == "artemisfun");
  CHECK(encode(*keyed.codec, "password") == "-2b8e3b47950b9b481a6f3100968e42e9");
  auto one_way = parse_password_codec(cls + ";algorithm=one-way", std::nullopt);
  REQUIRE(one_way.codec);
  CHECK(one_way.codec->algorithm() == CodecAlgorithm::one_way);
  CHECK(encode(*one_way.codec, "x").rfind("1024:", 0) == 0);
  CHECK_FALSE(one_way.codec->decode("3a34fd21b82bf2a822fa49a8d8fa115d").value);
  CHECK(parse_password_codec(cls + ";somethingElse=1", std::nullopt).codec);

  auto other = parse_password_codec("com.example.MyCodec;key=x", std::nullopt);
  CHECK_FALSE(other.codec);
  CHECK(other.error.find("'com.example.MyCodec' is not supported") != std::string::npos);
  for (const auto& bad :
       {cls + ";key", cls + ";key=", cls + ";=x", cls + ";key=a=b", cls + ";algorithm=two-way-1",
        cls + ";algorithm=rot13", cls + ";s3cr3t"}) {
    CAPTURE(bad);
    const auto r = parse_password_codec(bad, std::nullopt);
    CHECK_FALSE(r.codec);
    CHECK_FALSE(r.error.empty());
    // A key is never echoed, written as a value or alone.
    CHECK(r.error.find("a=b") == std::string::npos);
    CHECK(r.error.find("s3cr3t") == std::string::npos);
  }
}

TEST_CASE("sensitive codec: ENC(...) wrapper") {
  CHECK(is_enc_masked("ENC(abc)"));
  CHECK(is_enc_masked("ENC(-5a2376c61c668aaf)"));
  CHECK(is_enc_masked("ENC()"));  // as Artemis: then it fails to decode
  CHECK_FALSE(is_enc_masked("enc(abc)"));
  CHECK_FALSE(is_enc_masked("ENC(abc"));
  CHECK_FALSE(is_enc_masked("secret"));
  CHECK(unwrap_enc("ENC(-5a2376c61c668aaf)") == "-5a2376c61c668aaf");
  CHECK(unwrap_enc("plain") == "plain");
}
