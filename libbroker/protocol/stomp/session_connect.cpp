// CONNECT / STOMP (reference §6.1): version negotiation, login, cluster backup announcements,
// heart-beat negotiation and the CONNECTED frame.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "core/broker_core.hpp"
#include "protocol/stomp/session.hpp"
#include "util/strings.hpp"

namespace artemis::protocol::stomp_session {
namespace {

std::optional<codec::Version> negotiate(const std::string* accept) {
  if (accept == nullptr) return codec::Version::v1_0;
  std::optional<codec::Version> best;
  for (const auto& v : util::split(*accept, ',')) {
    const auto t = util::trim(v);
    std::optional<codec::Version> got;
    if (t == "1.0") got = codec::Version::v1_0;
    else if (t == "1.1") got = codec::Version::v1_1;
    else if (t == "1.2") got = codec::Version::v1_2;
    if (got && (!best || *got > *best)) best = got;
  }
  return best;
}

}  // namespace

Outcome StompSession::on_connect(codec::Frame& f) {
  if (connected_) return Refusal{"Already connected", "a second CONNECT on one connection", true};
  const auto version = negotiate(f.header("accept-version"));
  if (!version) {
    codec::Frame err;
    err.command = "ERROR";
    err.add("version", "1.0,1.1,1.2");
    err.add("content-type", "text/plain");
    err.add("message", "Supported protocol versions are 1.0,1.1,1.2");
    err.body = "Supported protocol versions are 1.0,1.1,1.2";
    send_frame(err);
    close(net::CloseReason::protocol_error);
    return std::nullopt;
  }
  version_ = *version;
  decoder_.set_version(version_);

  const std::string login = f.header_or("login", "");
  const std::string passcode = f.header_or("passcode", "");
  // Only a connection that announces itself as a cluster peer is one: the lab (and many real
  // deployments) use the same name and password for the cluster user and an ordinary user.
  const bool cluster_peer = f.header("cluster-backup-announce") != nullptr && ctx_.cluster_user &&
                            ctx_.cluster_password && login == *ctx_.cluster_user &&
                            passcode == *ctx_.cluster_password;
  if (cluster_peer) {
    core_->login_as_peer(login);
  } else if (auto refused = core_->login(login, passcode)) {
    return Refusal{"Security Error occurred: " + refused->text, refused->text, true,
                   net::CloseReason::auth_failed};
  }
  if (const auto* cid = f.header("client-id")) {
    core_->set_client_id(*cid);
    conn_.set_client_id(*cid);
  }

  // Heart-beats (§6.1): cx = what the client promises to send, cy = what it wants from us.
  std::int64_t cx = 0, cy = 0;
  if (const auto* hb = f.header("heart-beat"); hb && version_ != codec::Version::v1_0) {
    const auto parts = util::split(*hb, ',');
    if (parts.size() != 2 || !util::parse_int(parts[0]) || !util::parse_int(parts[1]) ||
        *util::parse_int(parts[0]) < 0 || *util::parse_int(parts[1]) < 0)
      return Refusal{"Invalid heart-beat header", "expected 'cx,cy' with two non-negative integers, got '" + *hb + "'", true};
    cx = *util::parse_int(parts[0]);
    cy = *util::parse_int(parts[1]);
  }
  const auto& acceptor = conn_.acceptor();
  const std::int64_t send_ms = cy > 0 ? std::max<std::int64_t>(cy, 500) : 0;
  std::int64_t ttl = 0;
  std::int64_t expect_ms = 0;
  const double modifier = [&] {
    auto it = acceptor.params.find("heartBeatToConnectionTtlModifier");
    if (it == acceptor.params.end()) return 2.0;
    try {
      return std::stod(it->second);
    } catch (...) {
      return 2.0;
    }
  }();
  if (cx > 0) {
    ttl = static_cast<std::int64_t>(std::llround(static_cast<double>(cx) * modifier));
    const auto min_ttl = acceptor.param_int("connectionTtlMin", 1000);
    const auto max_ttl = acceptor.param_int("connectionTtlMax", -1);
    ttl = std::max(ttl, min_ttl);
    if (max_ttl > 0) ttl = std::min(ttl, max_ttl);
    expect_ms = static_cast<std::int64_t>(static_cast<double>(ttl) / modifier);
  } else {
    const auto override_ms = ctx_.core.config().connection_ttl_override_ms;
    ttl = override_ms > 0 ? override_ms : acceptor.param_int("connectionTtl", 60000);
  }

  codec::Frame ok;
  ok.command = "CONNECTED";
  ok.add("version", std::string(codec::to_string(version_)));
  ok.add("session", std::to_string(conn_.id()));
  const auto disable = acceptor.params.find("disableStompServerHeader");
  if (disable == acceptor.params.end() || disable->second != "true")
    ok.add("server", ctx_.broker_name);
  if (version_ != codec::Version::v1_0)
    ok.add("heart-beat", fmt::format("{},{}", send_ms, expect_ms));
  if (const auto* rid = f.header("request-id")) ok.add("response-id", *rid);
  if (ctx_.connected_headers)
    for (auto& [k, v] : ctx_.connected_headers()) ok.add(k, v);
  connected_ = true;
  send_frame(ok);
  start_heartbeats(send_ms, ttl);

  if (cluster_peer && ctx_.on_backup_announce) {
    const auto* node = f.header("cluster-node-id");
    const auto* url = f.header("cluster-backup-announce");
    if (node && url) backup_gone_ = ctx_.on_backup_announce(*node, *url);
  }
  return std::nullopt;
}

Outcome StompSession::on_disconnect(codec::Frame& f) {
  if (f.header("receipt") != nullptr) receipt_slot(f)({});
  // Close once every earlier receipt (durable sends) went out.
  disconnect_after_receipts_ = true;
  flush_receipts();
  return std::nullopt;
}

}  // namespace artemis::protocol::stomp_session
