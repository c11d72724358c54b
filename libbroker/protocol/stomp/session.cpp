// StompSession core: byte intake, the dispatch table, the single error exit, receipts in
// order, heart-beats/TTL and teardown. Command handlers live in session_connect.cpp,
// session_send.cpp and session_subscribe.cpp.
#include "protocol/stomp/session.hpp"

#include <fmt/core.h>

#include "core/broker_core.hpp"
#include "util/assert.hpp"
#include "util/strings.hpp"

namespace artemis::protocol::stomp_session {

namespace {
constexpr std::size_t kKeptEncodeBytes = 64u << 10;  // encode buffer memory kept between frames

// How long the bytes of a frame over the limit are read and dropped before the connection
// closes: the client is most likely still writing it, and closing at once would reset the
// connection before it reads the ERROR that says why.
constexpr std::chrono::milliseconds kDiscardBeforeClose{2000};

// Artemis's default stompMinLargeMessageSize.
constexpr std::size_t kDefaultMinLargeMessageSize = 100 * 1024;

// The acceptor parameter stompMaxFrameSize (bytes, "10M" style), else the codec's default; a
// body over stompMinLargeMessageSize (-1: none) streams to a large message file when the broker
// keeps them. The limit then bounds a SEND's headers and its smaller bodies only.
codec::Limits frame_limits(const config::TransportConfig& acceptor, bool large_messages) {
  codec::Limits limits;
  if (auto it = acceptor.params.find("stompMaxFrameSize"); it != acceptor.params.end())
    if (const auto bytes = util::parse_byte_size(it->second); bytes && *bytes > 0)
      limits.max_frame_size = static_cast<std::size_t>(*bytes);
  if (!large_messages) return limits;
  limits.stream_body_above = kDefaultMinLargeMessageSize;
  for (const char* name : {"stompMinLargeMessageSize", "stomp-min-large-message-size"})
    if (auto it = acceptor.params.find(name); it != acceptor.params.end()) {
      const auto bytes = util::parse_byte_size(it->second);
      if (bytes) limits.stream_body_above = *bytes > 0 ? static_cast<std::size_t>(*bytes) : 0;
    }
  // A body the frame limit would refuse is large instead (unless large messages are off: -1).
  if (limits.stream_body_above > limits.max_frame_size)
    limits.stream_body_above = limits.max_frame_size;
  return limits;
}

}  // namespace

StompSession::StompSession(net::Connection& connection, ModuleContext& context)
    : conn_(connection), ctx_(context) {
  last_read_ms_ = ctx_.scheduler.now_ms();
  core::SessionOptions options;
  options.connection_id = conn_.id();
  options.remote_address = conn_.remote_address();
  options.certificate_subject = conn_.certificate_subject();
  options.protocol = "STOMP";
  options.close_connection = [&conn = conn_] { conn.close(net::CloseReason::management); };
  options.anycast_prefixes = conn_.acceptor().param_list("anycastPrefix");
  options.multicast_prefixes = conn_.acceptor().param_list("multicastPrefix");
  core_ = std::make_unique<core::ServerSession>(ctx_.core.post_office(), ctx_.security,
                                                std::move(options));
  decoder_ = codec::Decoder(frame_limits(conn_.acceptor(), core_->large_messages_enabled()));
}

StompSession::~StompSession() {
  *alive_ = false;
  if (send_timer_ != 0) ctx_.scheduler.cancel(send_timer_);
  if (ttl_timer_ != 0) ctx_.scheduler.cancel(ttl_timer_);
  if (discard_timer_ != 0) ctx_.scheduler.cancel(discard_timer_);
}

const std::array<StompSession::Command, 11>& StompSession::commands() {
  static const std::array<Command, 11> table{{
      {"CONNECT", &StompSession::on_connect, false},
      {"STOMP", &StompSession::on_connect, false},
      {"SEND", &StompSession::on_send, true},
      {"SUBSCRIBE", &StompSession::on_subscribe, true},
      {"UNSUBSCRIBE", &StompSession::on_unsubscribe, true},
      {"ACK", &StompSession::on_ack, true},
      {"NACK", &StompSession::on_nack, true},
      {"BEGIN", &StompSession::on_begin, true},
      {"COMMIT", &StompSession::on_commit, true},
      {"ABORT", &StompSession::on_abort, true},
      {"DISCONNECT", &StompSession::on_disconnect, true},
  }};
  return table;
}

void StompSession::on_bytes(std::string_view bytes) {
  if (closing_ || discarding_) return;
  last_read_ms_ = ctx_.scheduler.now_ms();
  if (held_for_large_) {
    decoder_.feed(bytes);  // a read already under way when reading paused: kept for later
    return;
  }
  decoder_.feed_borrowed(bytes);  // detached below, before the read buffer is reused
  decode_frames();
  decoder_.detach();
}

void StompSession::decode_frames() {
  using Status = codec::Decoder::Status;
  codec::Frame frame;
  // Bounded by the bytes fed: every iteration consumes input or stops.
  while (!closing_ && !held_for_large_) {
    const auto status = decoder_.next(frame);
    if (status == Status::need_more) break;
    if (status == Status::heartbeat) continue;
    if (status == Status::body_start) {
      on_large_start(frame);
      frame.clear();
      continue;
    }
    if (status == Status::body_piece) {
      on_large_piece(decoder_.piece());
      continue;
    }
    if (status == Status::body_end) {
      on_large_end();
      continue;
    }
    if (status == codec::Decoder::Status::error) {
      const auto ec = decoder_.error();
      if (ec == artemis::stomp::errc::frame_too_large) {
        refuse_oversize_frame();
        break;
      }
      Refusal r{"Invalid STOMP frame", ec.message(), true,
                ec == artemis::stomp::errc::frame_too_large ? net::CloseReason::frame_too_large
                                                            : net::CloseReason::protocol_error};
      refuse(r, nullptr);
      break;
    }
    dispatch(frame);
    frame.clear();
  }
}

void StompSession::refuse_oversize_frame() {
  refuse(Refusal{"Frame too large",
                 fmt::format("a frame may hold at most {} bytes (parameter stompMaxFrameSize of "
                             "acceptor '{}')",
                             decoder_.limits().max_frame_size, conn_.acceptor().name),
                 false},
         nullptr);
  discarding_ = true;
  discard_timer_ = ctx_.scheduler.schedule_after(kDiscardBeforeClose, [this] {
    discard_timer_ = 0;
    close(net::CloseReason::frame_too_large);
  });
}

void StompSession::dispatch(codec::Frame& f) {
  const Command* cmd = nullptr;
  for (const auto& c : commands())
    if (c.name == f.command) cmd = &c;
  Outcome outcome;
  if (cmd == nullptr) {
    outcome = Refusal{"Unsupported frame", fmt::format("unknown command '{}'", f.command), !connected_};
  } else if (cmd->needs_connection && !connected_) {
    outcome = Refusal{"Not connected", fmt::format("{} before CONNECT", f.command), true};
  } else {
    outcome = (this->*(cmd->handler))(f);
  }
  if (outcome) refuse(*outcome, &f);
}

// The one place a failed frame becomes an ERROR (and maybe a close).
void StompSession::refuse(const Refusal& r, const codec::Frame* f) {
  codec::Frame err;
  err.command = "ERROR";
  err.add("message", r.message);
  if (f != nullptr)
    if (const auto* receipt = f->header("receipt")) err.add("receipt-id", *receipt);
  if (!r.detail.empty()) {
    err.add("content-type", "text/plain");
    err.body = r.detail;
  }
  if (ctx_.log.enabled(util::Level::debug))
    ctx_.log.plain(util::Level::debug, "org.apache.activemq.artemis.core.protocol.stomp",
                   "{} - cid:{}: ERROR {}: {}", conn_.remote_address(), conn_.id(), r.message,
                   r.detail);
  send_frame(err);
  if (r.close) close(r.reason);
}

void StompSession::send_frame(const codec::Frame& f) {
  if (closing_) return;
  encode_buffer_.clear();  // keeps its capacity: no allocation per frame
  codec::encode_to(encode_buffer_, f, version_);
  send_encoded();
}

void StompSession::send_encoded() {
  write_out(encode_buffer_);
  if (encode_buffer_.capacity() > kKeptEncodeBytes)
    std::string().swap(encode_buffer_);  // after a large message
}

void StompSession::send_receipt(std::string_view receipt_id) {
  if (closing_) return;
  encode_buffer_.clear();
  codec::FrameWriter w(encode_buffer_, "RECEIPT", version_);
  w.header("receipt-id", receipt_id);
  w.body({}, false);
  send_encoded();
}

void StompSession::send_message(const core::MessageRef& ref, const DeliveryHeaders& h) {
  if (closing_) return;
  encode_buffer_.clear();
  encode_message(encode_buffer_, ref, h, version_);
  send_encoded();
  if (ref.message->large) {
    OutItem body;
    body.body = ref.message->large;  // the file stays readable until it is sent
    out_queue_.push_back(std::move(body));
    pump_output();
  }
}

void StompSession::close(net::CloseReason reason) {
  if (closing_) return;
  closing_ = true;
  conn_.close(reason);
}

std::uint64_t StompSession::new_receipt(const codec::Frame& f) {
  auto& slot = receipts_.emplace_back();
  if (const auto* r = f.header("receipt")) slot.id = *r;
  return receipts_first_ + receipts_.size() - 1;
}

std::function<void(std::error_code)> StompSession::completion(std::uint64_t slot) {
  return [this, slot](std::error_code ec) { complete_receipt(slot, ec); };
}

void StompSession::complete_receipt(std::uint64_t n, std::error_code ec) {
  auto& slot = receipts_[n - receipts_first_];
  slot.done = true;
  if (ec) slot.error = ec.message();
  slot.too_large = ec == core::errc::message_too_large;
  if (slot.queued) flush_receipts();
}

void StompSession::queue_receipt(std::uint64_t n) {
  receipts_[n - receipts_first_].queued = true;
  if (receipts_.size() >= kMaxPendingReceipts && !paused_for_receipts_) {
    paused_for_receipts_ = true;
    conn_.pause_reading();
  }
  flush_receipts();
}

void StompSession::drop_receipt(std::uint64_t n) {
  // The refused frame's slot: the newest, never queued (flush stops before it) nor completed.
  BROKER_ASSERT(n + 1 == receipts_first_ + receipts_.size(), "only the newest receipt is dropped");
  receipts_.pop_back();
}

std::function<void(std::error_code)> StompSession::receipt_slot(const codec::Frame& f) {
  const auto slot = new_receipt(f);
  queue_receipt(slot);
  return completion(slot);
}

void StompSession::flush_receipts() {
  while (!receipts_.empty() && receipts_.front().done && receipts_.front().queued) {
    auto slot = std::move(receipts_.front());
    receipts_.pop_front();
    ++receipts_first_;
    if (slot.error) {
      codec::Frame fake;
      if (!slot.id.empty()) fake.add("receipt", slot.id);
      refuse(Refusal{slot.too_large ? "Message too large" : "Storage failure",
                     "message was not stored: " + *slot.error, false},
             &fake);
    } else if (!slot.id.empty()) {
      send_receipt(slot.id);
    }
  }
  if (paused_for_receipts_ && receipts_.size() < kMaxPendingReceipts / 2) {
    paused_for_receipts_ = false;
    resume_if_free();
  }
  if (disconnect_after_receipts_ && receipts_.empty()) close(net::CloseReason::session_closed);
}

void StompSession::start_heartbeats(std::int64_t send_ms, std::int64_t ttl_ms) {
  send_period_ms_ = send_ms;
  ttl_ms_ = ttl_ms;
  if (send_period_ms_ > 0)
    send_timer_ = ctx_.scheduler.schedule_after(std::chrono::milliseconds(send_period_ms_),
                                                [this, alive = alive_] {
                                                  if (*alive) on_send_tick();
                                                });
  if (ttl_ms_ > 0)
    ttl_timer_ = ctx_.scheduler.schedule_after(std::chrono::milliseconds(ttl_ms_),
                                               [this, alive = alive_] {
                                                 if (*alive) on_ttl_tick();
                                               });
}

void StompSession::on_send_tick() {
  send_timer_ = 0;
  if (closing_) return;
  const auto now = ctx_.scheduler.now_ms();
  // A heart-beat is one EOL; only needed when nothing else was written in the period, and
  // never inside a frame (a large body being streamed).
  if (now - last_write_ms_ >= send_period_ms_ / 2 && out_queue_.empty()) {
    conn_.send("\n");
    last_write_ms_ = now;
  }
  send_timer_ = ctx_.scheduler.schedule_after(std::chrono::milliseconds(send_period_ms_),
                                              [this, alive = alive_] {
                                                if (*alive) on_send_tick();
                                              });
}

void StompSession::on_ttl_tick() {
  ttl_timer_ = 0;
  if (closing_) return;
  const auto now = ctx_.scheduler.now_ms();
  // While this side does not read (the client's sends wait for the disk), its heart-beats wait
  // in the socket: silence is ours, not the client's.
  if (reading_paused()) last_read_ms_ = now;
  const auto silent = now - last_read_ms_;
  if (silent >= ttl_ms_) {
    ctx_.log.plain(util::Level::warn, "org.apache.activemq.artemis.core.protocol.stomp",
                   "{} - cid:{}: no data for {} ms (TTL {} ms); closing", conn_.remote_address(),
                   conn_.id(), silent, ttl_ms_);
    close(net::CloseReason::ttl_expired);
    return;
  }
  ttl_timer_ = ctx_.scheduler.schedule_after(std::chrono::milliseconds(ttl_ms_ - silent),
                                             [this, alive = alive_] {
                                               if (*alive) on_ttl_tick();
                                             });
}

void StompSession::on_writable() {
  if (closing_) return;
  pump_output();
  if (!out_queue_.empty()) return;
  // Every consumer of the session waits on this connection.
  for (auto& [id, s] : subscriptions_)
    if (s->consumer != nullptr && s->ready(*s->consumer)) s->consumer->resume();
}

void StompSession::on_closed(net::CloseReason) {
  closing_ = true;
  *alive_ = false;
  if (send_timer_ != 0) ctx_.scheduler.cancel(send_timer_);
  if (ttl_timer_ != 0) ctx_.scheduler.cancel(ttl_timer_);
  send_timer_ = ttl_timer_ = 0;
  // Unacknowledged deliveries go back to their queues (delivery count + 1), open transactions
  // roll back, temporary subscription queues go away with the connection.
  while (!subscriptions_.empty()) remove_subscription(*subscriptions_.begin()->second);
  out_queue_.clear();
  large_in_.reset();  // a body still arriving is removed with its upload
  core_.reset();
  if (backup_gone_) std::exchange(backup_gone_, nullptr)();
}

}  // namespace artemis::protocol::stomp_session
