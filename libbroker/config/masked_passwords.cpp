// Masked passwords (Artemis masking-passwords.md): after <core> is read, every password that is
// masked is replaced by its plain text, so the layers that use one (TLS, cluster links) never
// see ENC(...). Runs after the whole of <core> was read because <mask-password> and
// <password-codec> may come after the passwords they govern.
//
// Which codec decodes what, as Artemis's FileConfigurationParser does it:
//   <cluster-password>           <password-codec>, else the default codec
//   acceptor/connector params    <mask-password> unset: the default codec (Artemis passes
//                                <password-codec> to transports only when mask-password is true)
//                                <mask-password> true: <password-codec>, else the default codec
// The default codec's key comes from ARTEMIS_DEFAULT_SENSITIVE_STRING_CODEC_KEY when set.
#include <fmt/core.h>

#include <array>

#include "config/parse_context.hpp"
#include "util/sensitive_string_codec.hpp"

namespace artemis::config {
namespace {

using util::SensitiveStringCodec;

// The URL parameters of an acceptor or connector that hold a password.
constexpr std::array<const char*, 2> kTransportPasswords{"keyStorePassword", "trustStorePassword"};

pugi::xml_node first_child(pugi::xml_node parent, std::string_view name) {
  for (auto n : parent.children())
    if (n.type() == pugi::node_element && local_name(n) == name) return n;
  return {};
}

// Replaces `value` by its plain text when it is masked under `mask`. Returns "" when done (or
// nothing to do), else why it could not be decoded. `codec` is null when <password-codec> was
// wrong: that is already reported, so the value is left alone.
std::string unmask(std::string& value, std::optional<bool> mask,
                   const SensitiveStringCodec* codec) {
  const bool wrapped = util::is_enc_masked(value);
  if (mask == false || (!mask && !wrapped) || codec == nullptr) return {};
  // With mask-password true Artemis decodes the text as written, so ENC(...) fails there; the
  // wrapper is accepted here as well, as it is what `artemis mask` users copy.
  auto r = codec->decode(util::unwrap_enc(value));
  if (!r.value) {
    if (mask && !wrapped) r.error += " (<mask-password> is true, so every password must be masked)";
    return r.error;
  }
  value = std::move(*r.value);
  return {};
}

void unmask_transports(ParseContext& p, std::vector<TransportConfig>& list, std::string_view item,
                       std::optional<bool> mask, const SensitiveStringCodec* codec) {
  for (auto& t : list) {
    for (const char* key : kTransportPasswords) {
      const auto it = t.params.find(key);
      if (it == t.params.end()) continue;
      if (auto why = unmask(it->second, mask, codec); !why.empty())
        p.error_at_line(
            t.line, errc::invalid_value,
            fmt::format("<{}> '{}': {} could not be unmasked: {}", item, t.name, key, why));
    }
  }
}

}  // namespace

void resolve_masked_passwords(ParseContext& p, pugi::xml_node core, BrokerConfig& c,
                              const Environment& env) {
  const auto env_key = env ? env(util::kCodecKeyEnvVar) : std::nullopt;
  const SensitiveStringCodec fallback(util::codec_key(std::nullopt, env_key));
  std::optional<SensitiveStringCodec> configured = fallback;
  if (c.password_codec) {
    auto spec = util::parse_password_codec(*c.password_codec, env_key);
    configured = std::move(spec.codec);
    if (!configured)
      p.error(first_child(core, "password-codec"), errc::unsupported,
              "<password-codec>: " + spec.error);
  }
  const SensitiveStringCodec* chosen = configured ? &*configured : nullptr;
  if (c.cluster_password) {
    if (auto why = unmask(*c.cluster_password, c.mask_password, chosen); !why.empty())
      p.error(first_child(core, "cluster-password"), errc::invalid_value,
              "<cluster-password> could not be unmasked: " + why);
  }
  const SensitiveStringCodec* transport_codec = c.mask_password == true ? chosen : &fallback;
  unmask_transports(p, c.acceptors, "acceptor", c.mask_password, transport_codec);
  unmask_transports(p, c.connectors, "connector", c.mask_password, transport_codec);
}

}  // namespace artemis::config
