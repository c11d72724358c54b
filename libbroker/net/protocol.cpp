#include "net/protocol.hpp"

namespace artemis::net {

std::string_view to_string(CloseReason reason) {
  switch (reason) {
    case CloseReason::client_closed: return "client_closed";
    case CloseReason::io_error: return "io_error";
    case CloseReason::protocol_error: return "protocol_error";
    case CloseReason::auth_failed: return "auth_failed";
    case CloseReason::unsupported_protocol: return "unsupported_protocol";
    case CloseReason::handshake_timeout: return "handshake_timeout";
    case CloseReason::ttl_expired: return "ttl_expired";
    case CloseReason::slow_consumer: return "slow_consumer";
    case CloseReason::server_shutdown: return "server_shutdown";
    case CloseReason::session_closed: return "session_closed";
    case CloseReason::management:
      return "closed_by_management";
    case CloseReason::frame_too_large: return "frame_too_large";
    case CloseReason::tls_failed:
      return "tls_failed";
  }
  return "unknown";
}

}  // namespace artemis::net
