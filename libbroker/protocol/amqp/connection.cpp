// AmqpConnection core: bytes in and out of Proton's driver, the event loop, the open
// handshake, link bookkeeping and teardown. SASL is in sasl.cpp, links in incoming.cpp and
// outgoing.cpp.
#include "protocol/amqp/connection.hpp"

#include <proton/codec.h>
#include <proton/connection.h>
#include <proton/delivery.h>
#include <proton/event.h>
#include <proton/link.h>
#include <proton/sasl.h>
#include <proton/session.h>
#include <proton/transport.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/broker_core.hpp"
#include "protocol/amqp/links.hpp"
#include "uri/uri.hpp"
#include "util/strings.hpp"

namespace artemis::protocol::amqp {

void install_sasl(pn_transport_t* transport, AmqpConnection& connection);  // sasl.cpp

namespace {

// The mechanisms offered: PLAIN then ANONYMOUS (reference §4.4), EXTERNAL first when the client
// presented a TLS certificate; or those of saslMechanisms that this broker implements, in the
// order given (EXTERNAL still only with a certificate).
std::string offered_mechanisms(const config::TransportConfig& t, bool certificate) {
  auto listed = t.param_list("saslMechanisms");
  if (listed.empty()) listed = {"EXTERNAL", "PLAIN", "ANONYMOUS"};
  std::string out;
  for (const auto& m : listed) {
    if (m != "PLAIN" && m != "ANONYMOUS" && (m != "EXTERNAL" || !certificate)) continue;
    if (!out.empty()) out += ' ';
    out += m;
  }
  return out;
}

}  // namespace

AmqpConnection::AmqpConnection(net::Connection& connection, ModuleContext& context)
    : conn_(connection),
      ctx_(context),
      mechanisms_(
          offered_mechanisms(connection.acceptor(), !connection.certificate_subject().empty())) {
  const auto& acceptor = conn_.acceptor();
  credits_ = std::max<std::int64_t>(1, acceptor.param_int("amqpCredits", 1000));
  low_credits_ = std::clamp<std::int64_t>(acceptor.param_int("amqpLowCredits", 300), 0, credits_);
  large_min_ = acceptor.param_int("amqpMinLargeMessageSize", 100 * 1024);  // Artemis's default
  if (auto it = acceptor.params.find("amqpDuplicateDetection"); it != acceptor.params.end())
    duplicate_detection_ = util::parse_bool(it->second).value_or(true);
  core::SessionOptions options;
  options.connection_id = conn_.id();
  options.remote_address = conn_.remote_address();
  options.certificate_subject = conn_.certificate_subject();
  options.protocol = "AMQP";
  options.close_connection = [&conn = conn_] { conn.close(net::CloseReason::management); };
  options.anycast_prefixes = acceptor.param_list("anycastPrefix");
  options.multicast_prefixes = acceptor.param_list("multicastPrefix");
  core_ = std::make_unique<core::ServerSession>(ctx_.core.post_office(), ctx_.security,
                                                std::move(options));

  pn_transport_t* transport = pn_transport();
  pn_transport_set_server(transport);
  // The largest frame accepted (and announced): a client may not make us buffer more per frame.
  pn_transport_set_max_frame(transport,
                             static_cast<std::uint32_t>(std::clamp<std::int64_t>(
                                 acceptor.param_int("maxFrameSize", 131072), 512, 1 << 24)));
  // A client silent for this long is closed (amqpIdleTimeout, 0 = never); Proton announces half
  // of it so the client's heart-beats come in time (reference §7.1). It covers the SASL
  // exchange too: a client that stalls there does not hold the connection forever.
  if (const auto idle = acceptor.param_int("amqpIdleTimeout", 60000); idle > 0)
    pn_transport_set_idle_timeout(transport, static_cast<pn_millis_t>(std::min<std::int64_t>(
                                                 idle, std::numeric_limits<pn_millis_t>::max())));
  // A client may skip SASL; it is then logged in anonymously when it opens (on_remote_open).
  pn_transport_require_auth(transport, false);
  pn_sasl_t* sasl = pn_sasl(transport);
  pn_sasl_set_allow_insecure_mechs(sasl, true);  // PLAIN without TLS, as Artemis allows
  install_sasl(transport, *this);
  pn_connection_driver_init(&driver_, pn_connection(), transport);
  message_ = pn_message();
  // Proton's idle timer starts with the AMQP open: the SASL exchange and the open must come
  // within the acceptor's handshake-timeout (seconds, 0 = none), or the connection is closed.
  if (const auto limit = acceptor.param_int("handshake-timeout", 10); limit > 0) {
    open_timer_ = ctx_.scheduler.schedule_after(std::chrono::seconds(limit), [this] {
      open_timer_ = 0;
      if (opened_ || closed_) return;
      conn_.close(net::CloseReason::handshake_timeout);
    });
  }
  run();  // the protocol header and SASL mechanisms go out as soon as the client's header is in
}

AmqpConnection::~AmqpConnection() {
  *alive_ = false;
  if (tick_timer_ != 0) ctx_.scheduler.cancel(tick_timer_);
  if (open_timer_ != 0) ctx_.scheduler.cancel(open_timer_);
  // The core session first: it hands unsettled deliveries back and calls no completion after,
  // so nothing touches a Proton object once the driver is gone.
  core_.reset();
  outgoing_.clear();
  pn_message_free(message_);
  pn_connection_driver_destroy(&driver_);
}

void AmqpConnection::on_bytes(std::string_view bytes) {
  // Bounded by the bytes given: each round hands some to Proton or stops.
  while (!bytes.empty() && !closed_) {
    pn_rwbytes_t room = pn_connection_driver_read_buffer(&driver_);
    if (room.size == 0) break;  // reading is closed (an error or the end of the connection)
    const std::size_t n = std::min(room.size, bytes.size());
    std::memcpy(room.start, bytes.data(), n);
    pn_connection_driver_read_done(&driver_, n);
    bytes.remove_prefix(n);
    run();
  }
}

void AmqpConnection::on_writable() {
  for (auto& [link, out] : outgoing_)
    if (out->consumer != nullptr) out->consumer->resume();
  run();
}

void AmqpConnection::on_closed(net::CloseReason) {
  if (closed_) return;
  closed_ = true;
  if (tick_timer_ != 0) ctx_.scheduler.cancel(tick_timer_);
  if (open_timer_ != 0) ctx_.scheduler.cancel(open_timer_);
  tick_timer_ = open_timer_ = 0;
  core_.reset();  // consumers closed (deliveries back to their queues), transactions rolled back
  outgoing_.clear();
  incoming_.clear();
  partial_bytes_ = 0;
}

void AmqpConnection::run() {
  if (running_) {
    again_ = true;
    return;
  }
  running_ = true;
  // Bounded: every round handles the events queued so far; a round that queues more events
  // (an answer to an event) ends in their own round, and Proton queues none without input or
  // a call of ours.
  do {
    again_ = false;
    while (pn_event_t* e = pn_connection_driver_next_event(&driver_)) handle(e);
    if (!closed_) pump_streams();  // a client's flow may have opened its window
    write_out();
  } while (again_ && !closed_);
  running_ = false;
  if (closed_) return;
  // Once Proton closed its output (a close frame, a protocol error, a SASL failure) there is
  // nothing more to say: the connection ends once that output is written.
  if (pn_connection_driver_finished(&driver_) || pn_connection_driver_write_closed(&driver_)) {
    const bool failed = pn_condition_is_set(pn_transport_condition(driver_.transport));
    conn_.close(failed ? net::CloseReason::protocol_error : net::CloseReason::session_closed);
    return;
  }
  arm_tick();
}

void AmqpConnection::write_out() {
  for (;;) {
    const pn_bytes_t out = pn_connection_driver_write_buffer(&driver_);
    if (out.size == 0) return;
    if (!closed_) conn_.send(std::string_view(out.start, out.size));
    pn_connection_driver_write_done(&driver_, out.size);
  }
}

void AmqpConnection::schedule_run() {
  if (run_scheduled_ || closed_) return;
  run_scheduled_ = true;
  ctx_.scheduler.post([this, alive = alive_] {
    if (!*alive) return;
    run_scheduled_ = false;
    if (!closed_) run();
  });
}

// Proton's timer: heart-beat frames for the client's idle-time-out, and closing a client
// that went silent past ours.
void AmqpConnection::arm_tick() {
  const std::int64_t now = ctx_.scheduler.now_ms();
  const std::int64_t next = pn_transport_tick(driver_.transport, now);
  if (next <= 0 || (tick_timer_ != 0 && next >= tick_at_)) return;
  if (tick_timer_ != 0) ctx_.scheduler.cancel(tick_timer_);
  tick_at_ = next;
  tick_timer_ = ctx_.scheduler.schedule_after(
      std::chrono::milliseconds(std::max<std::int64_t>(next - now, 1)), [this] {
        tick_timer_ = 0;
        if (!closed_) run();
      });
}

void AmqpConnection::handle(pn_event_t* e) {
  switch (pn_event_type(e)) {
    case PN_CONNECTION_REMOTE_OPEN:
      on_remote_open(pn_event_connection(e));
      break;
    case PN_CONNECTION_REMOTE_CLOSE:
      pn_connection_close(pn_event_connection(e));
      break;
    case PN_SESSION_REMOTE_OPEN:
      if (pn_session_state(pn_event_session(e)) & PN_LOCAL_UNINIT)
        pn_session_open(pn_event_session(e));
      break;
    case PN_SESSION_REMOTE_CLOSE:
      on_session_closed(pn_event_session(e));
      break;
    case PN_LINK_REMOTE_OPEN:
      on_link_open(pn_event_link(e));
      break;
    case PN_LINK_REMOTE_CLOSE:
      on_link_closed(pn_event_link(e), true);
      break;
    case PN_LINK_REMOTE_DETACH:
      on_link_closed(pn_event_link(e), false);
      break;
    case PN_LINK_FLOW:
      on_flow(pn_event_link(e));
      break;
    case PN_DELIVERY:
      on_delivery(pn_event_delivery(e));
      break;
    default:
      break;
  }
}

void AmqpConnection::on_remote_open(pn_connection_t* c) {
  opened_ = true;
  if (!authenticated_) {
    // No SASL: an anonymous login, which the security settings may refuse (reference §4.4).
    if (auto refused = core_->login("", "")) {
      pn_condition_t* cond = pn_connection_condition(c);
      pn_condition_set_name(cond, "amqp:unauthorized-access");
      pn_condition_set_description(cond, refused->text.c_str());
      pn_connection_open(c);
      pn_connection_close(c);
      return;
    }
    authenticated_ = true;
  }
  if (const char* container = pn_connection_remote_container(c); container && *container) {
    core_->set_client_id(container);
    conn_.set_client_id(container);
  }
  pn_connection_set_container(c, ctx_.container_id.c_str());
  pn_data_t* offered = pn_connection_offered_capabilities(c);
  pn_data_put_array(offered, false, PN_SYMBOL);
  pn_data_enter(offered);
  pn_data_put_symbol(offered, pn_bytes(15, "ANONYMOUS-RELAY"));
  pn_data_exit(offered);
  pn_data_t* props = pn_connection_properties(c);
  pn_data_put_map(props);
  pn_data_enter(props);
  pn_data_put_symbol(props, pn_bytes(7, "product"));
  pn_data_put_string(props, pn_bytes(23, "apache-activemq-artemis"));
  pn_data_put_symbol(props, pn_bytes(7, "version"));
  pn_data_put_string(props, pn_bytes(ctx_.version.size(), ctx_.version.data()));
  if (ctx_.failover_servers) put_failover_servers(props, ctx_.failover_servers());
  pn_data_exit(props);
  pn_connection_open(c);
}

// `failover-server-list`: a list of maps {network-host, hostname, port, scheme} as Artemis
// announces its backups to AMQP clients.
void AmqpConnection::put_failover_servers(pn_data_t* props, const std::string& urls) {
  if (urls.empty()) return;
  const auto parsed = uri::parse("(" + urls + ")");
  if (!parsed.value) return;
  auto symbol = [&](std::string_view s) {
    pn_data_put_symbol(props, pn_bytes(s.size(), s.data()));
  };
  auto string = [&](std::string_view s) {
    pn_data_put_string(props, pn_bytes(s.size(), s.data()));
  };
  symbol("failover-server-list");
  pn_data_put_list(props);
  pn_data_enter(props);
  for (const auto& e : parsed.value->endpoints) {
    const auto ssl = e.params.find("sslEnabled");
    const bool tls = ssl != e.params.end() && ssl->second == "true";
    pn_data_put_map(props);
    pn_data_enter(props);
    symbol("network-host");
    string(e.host);
    symbol("hostname");
    string(e.host);
    symbol("port");
    pn_data_put_int(props, e.port);
    symbol("scheme");
    string(tls ? "amqps" : "amqp");
    pn_data_exit(props);
  }
  pn_data_exit(props);
}

void AmqpConnection::on_link_open(pn_link_t* link) {
  if (!(pn_link_state(link) & PN_LOCAL_UNINIT)) return;
  if (!core_ || !core_->logged_in()) {
    refuse_link(link, "amqp:unauthorized-access", "the connection is not authenticated");
    return;
  }
  if (pn_link_is_sender(link))
    open_outgoing(link);
  else
    open_incoming(link);
}

void AmqpConnection::refuse_link(pn_link_t* link, const char* condition,
                                 const std::string& description) {
  pn_condition_t* cond = pn_link_condition(link);
  pn_condition_set_name(cond, condition);
  pn_condition_set_description(cond, description.c_str());
  // Attach with no terminus, then detach: how AMQP says the link was refused.
  pn_link_open(link);
  pn_link_close(link);
}

void AmqpConnection::forget_link(pn_link_t* link, bool closed) {
  std::string temporary;
  if (auto it = outgoing_.find(link); it != outgoing_.end()) {
    const auto name = it->second->durable_name;
    const bool global = it->second->global;
    temporary = it->second->temporary_queue;
    if (core_ && it->second->consumer != nullptr) core_->close_consumer(it->second->consumer_id);
    outgoing_.erase(it);
    // Closing (not only detaching) a durable subscription's link ends the subscription.
    if (core_ && closed && name) core_->delete_durable_subscription(*name, global);
  } else if (auto in = incoming_.find(link); in != incoming_.end()) {
    temporary = in->second->temporary_queue;
    incoming_.erase(in);
  }
  // A dynamic node lives as long as the link that asked for it.
  if (core_ && !temporary.empty()) core_->delete_temporary_queue(temporary);
}

void AmqpConnection::on_link_closed(pn_link_t* link, bool closed) {
  forget_link(link, closed);
  if (!(pn_link_state(link) & PN_LOCAL_CLOSED)) pn_link_close(link);
}

void AmqpConnection::on_session_closed(pn_session_t* session) {
  std::vector<pn_link_t*> gone;
  for (const auto& [link, in] : incoming_)
    if (pn_link_session(link) == session) gone.push_back(link);
  for (const auto& [link, out] : outgoing_)
    if (pn_link_session(link) == session) gone.push_back(link);
  for (auto* link : gone) forget_link(link, false);
  pn_session_close(session);
}

void AmqpConnection::on_delivery(pn_delivery_t* d) {
  pn_link_t* link = pn_delivery_link(d);
  if (auto it = incoming_.find(link); it != incoming_.end()) {
    receive(*it->second, d);
  } else if (auto out = outgoing_.find(link); out != outgoing_.end()) {
    settled_by_client(*out->second, d);
  } else if (!pn_link_is_sender(link) && pn_delivery_readable(d) && !pn_delivery_partial(d)) {
    pn_link_advance(link);  // a transfer on a refused link: dropped
    pn_delivery_settle(d);
  }
}

void AmqpConnection::on_flow(pn_link_t* link) {
  if (auto it = outgoing_.find(link); it != outgoing_.end()) sync_credit(*it->second);
}

}  // namespace artemis::protocol::amqp
