// Large messages over STOMP (reference §5, §6.3): a SEND body over stompMinLargeMessageSize is
// written to its file while it arrives, and a large message's MESSAGE body is streamed from its
// file as the connection drains; neither is ever whole in memory.
#include <fmt/core.h>

#include "core/broker_core.hpp"
#include "protocol/stomp/session.hpp"

namespace artemis::protocol::stomp_session {

void StompSession::on_large_start(codec::Frame& f) {
  large_in_.emplace();
  large_in_->frame = std::move(f);
  codec::Frame& frame = large_in_->frame;
  // Only a SEND keeps its body; another command's is dropped and the frame handled at its end.
  if (frame.command != "SEND") return;
  Outcome refused;
  if (!connected_) {
    refused = Refusal{"Not connected", "SEND before CONNECT", true};
  } else if (const auto* dest = frame.header("destination"); dest == nullptr || dest->empty()) {
    refused = Refusal{"Destination is required", "SEND needs a 'destination' header", false};
  } else if (auto bad_type = check_routing_type(frame, "destination-type")) {
    refused = std::move(bad_type);
  } else if (const auto t = resolve(*dest, frame.header("destination-type"));
             auto no = core_->check_send(t)) {
    // Refused before the body is read: it is dropped as it arrives.
    refused = refusal(*no);
  } else if (core_->producer_blocked(t, [this, alive = alive_] {
               // Posted: this runs inside whatever drained the address (another session's ack),
               // and the frames behind the upload must not be handled from in there.
               ctx_.scheduler.post([this, alive] {
                 if (*alive) upload_after_block();
               });
             })) {
    // address-full-policy BLOCK, or a full disk: the body waits in the client's socket.
    held_for_large_ = true;
    conn_.pause_reading();
    return;
  } else {
    refused = begin_upload();
  }
  if (refused) refuse(*refused, &frame);
}

Outcome StompSession::begin_upload() {
  std::error_code ec;
  large_in_->upload = core_->begin_large_message(ec);
  if (large_in_->upload) return std::nullopt;
  return Refusal{"Storage failure",
                 fmt::format("message was not stored: large message file: {}", ec.message()),
                 false};
}

void StompSession::upload_after_block() {
  held_for_large_ = false;
  if (closing_ || !large_in_) return;
  if (auto refused = begin_upload()) refuse(*refused, &large_in_->frame);
  resume_if_free();
  decode_frames();
}

void StompSession::on_large_piece(std::string_view piece) {
  if (!large_in_ || !large_in_->upload) return;
  auto& upload = *large_in_->upload;
  upload.append(piece);
  if (paused_for_upload_ || upload.unwritten() <= kUploadPauseBytes) return;
  paused_for_upload_ = true;
  conn_.pause_reading();
  upload.when_written(kUploadResumeBytes, [this, alive = alive_] {
    if (!*alive) return;
    paused_for_upload_ = false;
    resume_if_free();
  });
}

void StompSession::on_large_end() {
  if (!large_in_) return;
  if (!large_in_->upload) {
    if (large_in_->frame.command != "SEND") dispatch(large_in_->frame);
    large_in_.reset();
    return;
  }
  // Frames after this one wait until it is on disk and sent, so they keep their order.
  held_for_large_ = true;
  conn_.pause_reading();
  large_in_->upload->finish(
      [this, alive = alive_](std::error_code ec, std::shared_ptr<store::LargeBody> body) {
        if (*alive) large_written(ec, std::move(body));
      });
}

void StompSession::large_written(std::error_code ec, std::shared_ptr<store::LargeBody> body) {
  auto in = std::move(*large_in_);
  large_in_.reset();
  held_for_large_ = false;
  if (closing_) return;
  if (ec) {
    refuse(Refusal{"Storage failure", "message was not stored: " + ec.message(), false}, &in.frame);
  } else if (auto refused = send(in.frame, std::move(body))) {
    refuse(*refused, &in.frame);
  }
  resume_if_free();
  decode_frames();  // what arrived behind it
}

void StompSession::resume_if_free() {
  if (!closing_ && !reading_paused()) conn_.resume_reading();
}

void StompSession::write_out(std::string_view bytes) {
  if (out_queue_.empty()) {
    conn_.send(bytes);
  } else {
    OutItem item;
    item.bytes.assign(bytes);
    out_queue_.push_back(std::move(item));
  }
  last_write_ms_ = ctx_.scheduler.now_ms();
}

void StompSession::pump_output() {
  // Bounded: each pass sends one queued item or stops at the high-water mark.
  while (!out_queue_.empty() && !closing_) {
    OutItem& item = out_queue_.front();
    if (!item.body) {
      conn_.send(item.bytes);
      out_queue_.pop_front();
      continue;
    }
    std::error_code ec;
    if (!item.reader) {
      item.reader = std::make_unique<store::LargeBodyReader>();
      ec = item.reader->open(item.body->path());
    }
    const auto size = item.body->size();
    while (!ec && item.offset < size && conn_.pending_bytes() <= kHighWaterBytes) {
      out_chunk_.resize(
          static_cast<std::size_t>(std::min<std::uint64_t>(kBodyChunk, size - item.offset)));
      const auto n = item.reader->read(item.offset, {out_chunk_.data(), out_chunk_.size()}, ec);
      if (!ec && n < out_chunk_.size()) ec = std::make_error_code(std::errc::io_error);
      if (ec) break;
      conn_.send(out_chunk_);
      item.offset += n;
    }
    if (ec) {
      // Half a frame is out: the stream cannot go on.
      ctx_.log.plain(util::Level::error, "org.apache.activemq.artemis.core.protocol.stomp",
                     "{} - cid:{}: large message body {} could not be read: {}; closing",
                     conn_.remote_address(), conn_.id(), item.body->path().string(), ec.message());
      out_queue_.clear();
      close(net::CloseReason::io_error);
      return;
    }
    last_write_ms_ = ctx_.scheduler.now_ms();
    if (item.offset < size) return;  // on_writable goes on
    conn_.send(std::string_view("\0", 1));
    out_queue_.pop_front();
  }
}

}  // namespace artemis::protocol::stomp_session
