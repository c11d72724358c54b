#pragma once
// Base64 (RFC 4648, with padding) through OpenSSL's block coder: HTTP Basic credentials, the
// bodies of message files.
#include <optional>
#include <string>
#include <string_view>

namespace artemis::util {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not base64 (a length that is no multiple of 4, a foreign character).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace artemis::util
