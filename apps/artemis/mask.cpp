// `artemis mask <password>`: prints a masked password, as Artemis's Mask command does.
//   (no option)        two-way (Blowfish) value for ENC(...) in broker.xml and client URLs;
//                      key: --key, else ARTEMIS_DEFAULT_SENSITIVE_STRING_CODEC_KEY, else the
//                      default "clusterpassword"
//   --hash             one-way PBKDF2 value "1024:salt:hash" for artemis-users.properties
//                      (written there as ENC(1024:salt:hash)); --key is ignored
//   --algorithm A      one-way or two-way, overriding --hash
//   --password-codec   the <password-codec> of the instance's etc/broker.xml, which decodes the
//                      broker's masked passwords; --hash, --algorithm and --key are ignored
// Artemis also logs that two-way is deprecated (AMQ202017); nothing extra is printed here, so
// scripts can read the one result line.
#include <cstdlib>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "config/loader.hpp"
#include "util/sensitive_string_codec.hpp"

namespace artemis::cli {
namespace {

namespace fs = std::filesystem;

struct MaskOptions {
  std::string password;
  bool hash = false;
  std::string algorithm;
  std::optional<std::string> key;
  bool password_codec = false;
};

std::optional<std::string_view> env_key() {
  const char* v = std::getenv(std::string(util::kCodecKeyEnvVar).c_str());
  return v != nullptr ? std::optional<std::string_view>(v) : std::nullopt;
}

// The instance's <password-codec> (absent: the default codec). Only problems that stop us from
// knowing the codec fail the command; other mistakes in broker.xml are `run`'s business (a
// value that no longer decodes must not stop anyone from masking its replacement).
util::SensitiveStringCodec instance_codec(const Context& ctx) {
  if (!ctx.instance) {
    std::cerr << "artemis mask --password-codec: no broker instance: run it from an instance "
                 "(<instance>/bin/artemis mask --password-codec <password>)\n";
    throw CommandExit{1};
  }
  const auto instance = fs::absolute(*ctx.instance).lexically_normal();
  const auto file = instance / "etc" / "broker.xml";
  const auto result = config::load_broker_xml(file, instance);
  for (const auto& e : result.errors) {
    if (e.code == config::errc::file_unreadable || e.code == config::errc::malformed_xml) {
      std::cerr << "error: " << e.to_string() << '\n';
      throw CommandExit{1};
    }
  }
  if (!result.config.password_codec)
    return util::SensitiveStringCodec(util::codec_key({}, env_key()));
  auto spec = util::parse_password_codec(*result.config.password_codec, env_key());
  if (!spec.codec) {
    std::cerr << "error: " << file.string() << ": <password-codec>: " << spec.error << '\n';
    throw CommandExit{1};
  }
  return std::move(*spec.codec);
}

util::SensitiveStringCodec chosen_codec(const Context& ctx, const MaskOptions& o) {
  auto algorithm = o.hash ? util::CodecAlgorithm::one_way : util::CodecAlgorithm::two_way;
  if (!o.algorithm.empty()) {
    if (o.hash) std::cout << "Option --hash ignored when the algorithm option is used\n";
    if (o.algorithm == "one-way")
      algorithm = util::CodecAlgorithm::one_way;
    else if (o.algorithm == "two-way")
      algorithm = util::CodecAlgorithm::two_way;
    else {
      std::cerr << "artemis mask: --algorithm '" << o.algorithm
                << "' is not supported (use two-way or one-way)\n";
      throw CommandExit{1};
    }
  }
  std::optional<std::string_view> key;
  if (o.key) {
    if (o.hash)
      std::cout << "Option --key ignored in case of hashing\n";
    else
      key = *o.key;
  }
  if (o.password_codec) return instance_codec(ctx);
  return util::SensitiveStringCodec(util::codec_key(key, env_key()), algorithm);
}

}  // namespace

void register_mask(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<MaskOptions>();
  auto* cmd = app.add_subcommand("mask", "Mask a password and print it out.");
  cmd->add_option("password", o->password, "The password to be masked.")
      ->required()
      ->type_name("<password>");
  cmd->add_flag("--hash", o->hash, "Whether to use a hash (one-way). Default: false.");
  cmd->add_option("--algorithm", o->algorithm, "The algorithm to encode a password.")
      ->type_name("<algorithm>");
  cmd->add_option("--key", o->key, "The key (Blowfish) to mask a password.")->type_name("<key>");
  cmd->add_flag("--password-codec", o->password_codec,
                "Whether to use the password codec defined in the configuration. Default: false");
  cmd->add_flag("--verbose")->description("Print additional information");
  cmd->callback([o, &ctx] {
    const auto codec = chosen_codec(ctx, *o);
    const auto r = codec.encode(o->password);
    if (!r.value) {
      std::cerr << "Could not mask the password: " << r.error << "\n";
      throw CommandExit{1};
    }
    std::cout << "result: " << *r.value << "\n";
    ctx.exit_code = 0;
  });
}

}  // namespace artemis::cli
