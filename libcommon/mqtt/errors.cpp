#include "mqtt/codec.hpp"

namespace artemis::mqtt {

namespace {

class CodecCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "mqtt-codec"; }
  std::string message(int e) const override {
    switch (static_cast<errc>(e)) {
      case errc::ok:
        return "ok";
      case errc::malformed_packet:
        return "malformed packet";
      case errc::protocol_error:
        return "protocol error";
      case errc::unsupported_protocol_version:
        return "unsupported protocol version";
      case errc::packet_too_large:
        return "packet too large";
    }
    return "unknown mqtt codec error";
  }
};

}  // namespace

const std::error_category& codec_category() {
  static const CodecCategory category;
  return category;
}

std::error_code make_error_code(errc e) {
  return {static_cast<int>(e), codec_category()};
}

}  // namespace artemis::mqtt
