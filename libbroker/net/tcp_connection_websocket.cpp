// TcpConnection's WebSocket part (net/websocket.hpp): the upgrade request in place of a
// protocol's first bytes, and the client's frames unwrapped before detection and the session.
#include <algorithm>

#include "net/tcp_connection.hpp"

namespace artemis::net {

void TcpConnection::on_plain_bytes(std::string_view bytes) {
  if (!ws_) return on_stream_bytes(bytes);
  ws_plain_.clear();
  const auto fed = ws_->feed(bytes, ws_plain_);
  if (!ws_->replies().empty()) {  // pongs, a close's answer
    queue(ws_->replies());
    ws_->replies().clear();
  }
  if (fed == ws::Decoder::Result::failed) {
    ws_closed_ = true;  // the decoder's close (1002) is among the replies
    close_with(CloseReason::protocol_error, "WebSocket: " + ws_->error());
    return;
  }
  if (!ws_plain_.empty()) on_stream_bytes(ws_plain_);
  if (fed == ws::Decoder::Result::closed) {
    ws_closed_ = true;  // answered among the replies
    close_with(CloseReason::session_closed, "the client closed the WebSocket");
  }
}

void TcpConnection::on_stream_bytes(std::string_view bytes) {
  if (session_)
    session_->on_bytes(bytes);
  else
    on_detect_bytes(bytes);
}

void TcpConnection::on_upgrade_request() {
  ws::Upgrade upgrade;
  std::string why;
  switch (ws::parse_upgrade(detect_buf_, upgrade, why)) {
    case ws::Parse::need_more:
      return;
    case ws::Parse::bad:
      queue(ws::refusal_response(why));
      close_with(CloseReason::unsupported_protocol, "HTTP: " + why);
      return;
    case ws::Parse::ok:
      break;
  }
  // The first sub-protocol offered that this acceptor speaks; detection then runs on what the
  // frames carry either way.
  std::string_view chosen;
  for (const auto& offered : upgrade.subprotocols) {
    const auto module = ws::module_of(offered);
    if (!module.empty() && std::any_of(modules_.begin(), modules_.end(),
                                       [&](ProtocolModule* m) { return m->name() == module; })) {
      chosen = offered;
      break;
    }
  }
  queue(ws::accept_response(upgrade.key, chosen));
  const std::string rest = detect_buf_.substr(upgrade.request_bytes);
  detect_buf_.clear();
  ws_ = std::make_unique<ws::Decoder>();
  if (!rest.empty() && state_ == State::open) on_plain_bytes(rest);
}

}  // namespace artemis::net
