// A large message to an AMQP consumer: the encoded head (header, properties, the body
// section's head sized for the whole body) goes to Proton at once; the body follows from its
// file a piece at a time while the connection's output is below its high-water mark, so a
// message of any size costs a few hundred KiB of memory; then the footer, and the delivery
// ends. Proton frames it in transfers of the negotiated max-frame-size.
#include <proton/session.h>

#include <cstring>

#include "protocol/amqp/links.hpp"
#include "protocol/amqp/message_mapping.hpp"

namespace artemis::protocol::amqp {
namespace {

constexpr std::size_t kBodyChunk = 256u << 10;

}  // namespace

void AmqpConnection::start_stream(Outgoing& out, const core::MessageRef& ref) {
  const std::uint64_t id = ref.message->id();
  auto s = std::make_unique<Outgoing::Stream>();
  std::string head;
  std::error_code ec;
  if (!encode_large_delivery(ref, ctx_.scheduler.now_ms(), message_, head, s->tail) ||
      !ref.message->large || (ec = s->reader.open(ref.message->large->path()))) {
    ctx_.log.plain(util::Level::warn, "org.apache.activemq.artemis.protocol.amqp",
                   "{} - cid:{}: large message {} cannot be sent{}{}; it goes to the dead-letter "
                   "address",
                   conn_.remote_address(), conn_.id(), id, ec ? ": " : "", ec.message());
    core_->settle(out.consumer_id, id, core::Settlement{core::Outcome::rejected});
    return;
  }
  s->ref = ref;
  s->size = ref.message->record.large_body_size.value_or(0);
  char tag[sizeof id];
  std::memcpy(tag, &id, sizeof id);
  s->delivery = pn_delivery(out.link, pn_dtag(tag, sizeof tag));
  pn_link_send(out.link, head.data(), head.size());
  out.stream = std::move(s);
  pump(out);
  if (running_)
    again_ = true;
  else
    schedule_run();
}

void AmqpConnection::pump_streams() {
  for (auto& [link, out] : outgoing_)
    if (out->stream) pump(*out);
}

void AmqpConnection::pump(Outgoing& out) {
  Outgoing::Stream& s = *out.stream;
  pn_session_t* session = pn_link_session(out.link);
  std::error_code ec;
  // Bounded: each piece moves the offset on, and the loop stops at the high-water marks (the
  // socket's queue, and what Proton holds because the client's session window is full).
  while (s.offset < s.size && conn_.pending_bytes() < kHighWaterBytes &&
         pn_session_outgoing_bytes(session) < kBodyChunk) {
    chunk_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kBodyChunk, s.size - s.offset)));
    const auto n = s.reader.read(s.offset, {chunk_.data(), chunk_.size()}, ec);
    if (!ec && n < chunk_.size()) ec = std::make_error_code(std::errc::io_error);
    if (ec) break;
    pn_link_send(out.link, chunk_.data(), chunk_.size());
    s.offset += n;
    write_out();
  }
  if (ec) {
    // Part of the transfer is out: it is aborted, and the message is not offered again.
    ctx_.log.plain(util::Level::error, "org.apache.activemq.artemis.protocol.amqp",
                   "{} - cid:{}: large message body {} could not be read: {}",
                   conn_.remote_address(), conn_.id(), s.ref.message->large->path().string(),
                   ec.message());
    pn_delivery_abort(s.delivery);
    const auto id = s.ref.message->id();
    out.stream.reset();
    core_->settle(out.consumer_id, id, core::Settlement{core::Outcome::rejected});
    return;
  }
  if (s.offset < s.size) return;  // more once the connection drains or the client's window opens
  if (!s.tail.empty()) pn_link_send(out.link, s.tail.data(), s.tail.size());
  pn_link_advance(out.link);
  pn_delivery_t* d = s.delivery;
  const auto id = s.ref.message->id();
  out.stream.reset();
  end_delivery(out, d, id);
  if (out.consumer != nullptr) out.consumer->resume();  // the next delivery may go
}

}  // namespace artemis::protocol::amqp
