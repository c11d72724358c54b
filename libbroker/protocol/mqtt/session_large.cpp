// A large message to an MQTT subscriber: the PUBLISH head sized for the whole payload goes out
// at once, the payload follows from its file a piece at a time as the connection drains, so a
// message of any size costs the broker a few hundred KiB; packets sent meanwhile (acks, pings)
// wait behind it.
#include "protocol/mqtt/session.hpp"

namespace artemis::protocol::mqtt {
namespace {

constexpr std::size_t kPayloadChunk = 256u << 10;

}  // namespace

bool MqttSession::start_stream(const wire::Publish& head, const core::MessageRef& ref) {
  if (closing_) return true;
  auto s = std::make_unique<Stream>();
  s->size = ref.message->record.large_body_size.value_or(0);
  encode_buffer_.clear();
  if (!wire::encode_publish_head(head, version_, s->size, encode_buffer_)) {
    warn("a message of {} bytes does not fit an MQTT packet and is not sent", s->size);
    return false;
  }
  if (encode_buffer_.size() + s->size > client_max_packet_) {
    warn("a message of {} bytes is over the client's Maximum Packet Size ({}) and is not sent",
         s->size, client_max_packet_);
    return false;
  }
  if (auto ec = s->reader.open(ref.message->large->path())) {
    warn("large message {} cannot be read: {}; not sent", ref.message->id(), ec.message());
    return false;
  }
  s->ref = ref;
  conn_.send(encode_buffer_);
  stream_ = std::move(s);
  pump_stream();
  return true;
}

void MqttSession::pump_stream() {
  Stream& s = *stream_;
  std::error_code ec;
  // Bounded: each piece moves the offset on, and the loop stops at the high-water mark.
  while (!closing_ && s.offset < s.size && conn_.pending_bytes() < kHighWaterBytes) {
    chunk_.resize(
        static_cast<std::size_t>(std::min<std::uint64_t>(kPayloadChunk, s.size - s.offset)));
    const auto n = s.reader.read(s.offset, {chunk_.data(), chunk_.size()}, ec);
    if (!ec && n < chunk_.size()) ec = std::make_error_code(std::errc::io_error);
    if (ec) break;
    conn_.send(chunk_);
    s.offset += n;
  }
  if (closing_) return;
  if (ec) {
    // Half a packet is out: the connection cannot go on (its delivery goes back to the queue).
    warn("large message body {} could not be read: {}; closing",
         s.ref.message->large->path().string(), ec.message());
    stream_.reset();
    after_.clear();
    conn_.close(net::CloseReason::io_error);
    return;
  }
  if (s.offset < s.size) return;  // on_writable goes on
  stream_.reset();
  if (!after_.empty()) {
    conn_.send(after_);
    after_.clear();
  }
  if (chunk_.capacity() > kPayloadChunk) std::string().swap(chunk_);
}

}  // namespace artemis::protocol::mqtt
