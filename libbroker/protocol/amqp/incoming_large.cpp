// A large message an AMQP client sends (reference §5): once a transfer passes
// amqpMinLargeMessageSize and its body turns out to be one Data section, the payload goes to
// the message's file as the frames arrive (core::LargeUpload), so the broker never holds it.
// The sections before the body and a footer after it are kept and become the message as usual;
// the send happens once the file is synced, and the link's next transfers wait until then so
// they keep their order. Reading the connection pauses while the disk is behind. A body of
// several sections, or of another kind, is held whole as before (up to kMaxMessageBytes).
#include <proton/delivery.h>
#include <proton/link.h>

#include <algorithm>

#include "protocol/amqp/links.hpp"
#include "protocol/amqp/sections.hpp"

namespace artemis::protocol::amqp {
namespace {

constexpr std::size_t kPieceBytes = 256u << 10;
// Reading stops while this much of a body waits for the disk, and goes on below the second.
constexpr std::size_t kUploadPauseBytes = 4u << 20;
constexpr std::size_t kUploadResumeBytes = 1u << 20;
// What may follow the payload: a footer. More is a second body section, not supported here.
constexpr std::size_t kMaxAfterBytes = 64u << 10;

}  // namespace

bool AmqpConnection::start_large(Incoming& in) {
  if (in.whole || in.coordinator || in.anonymous || large_min_ < 0 ||
      in.partial.size() <= static_cast<std::size_t>(large_min_) || !core_->large_messages_enabled())
    return false;
  DataBodyStart at;
  switch (find_data_body(in.partial, at)) {
    case BodyScan::need_more:
      return false;
    case BodyScan::not_data:
      in.whole = true;
      return false;
    case BodyScan::found:
      break;
  }
  std::error_code ec;
  auto upload = core_->begin_large_message(ec);
  if (!upload) {
    in.whole = true;  // no file: held whole, as a broker without large messages does
    return false;
  }
  auto large = std::make_unique<Incoming::Large>();
  large->head = in.partial.substr(0, at.head);
  const std::string_view rest = std::string_view(in.partial).substr(at.payload_at);
  const auto now = static_cast<std::size_t>(std::min<std::uint64_t>(rest.size(), at.payload_size));
  upload->append(rest.substr(0, now));
  large->payload_left = at.payload_size - now;
  large->after = rest.substr(now);
  large->upload = std::move(upload);
  in.large = std::move(large);
  partial_bytes_ -= in.partial.size();
  in.partial.clear();
  in.partial.shrink_to_fit();
  return true;
}

void AmqpConnection::receive_large(Incoming& in, pn_delivery_t* d) {
  Incoming::Large& l = *in.large;
  // Bounded by the bytes Proton holds for the delivery: every pass takes some or stops.
  for (std::size_t pending = pn_delivery_pending(d); pending > 0;
       pending = pn_delivery_pending(d)) {
    chunk_.resize(std::min(pending, kPieceBytes));
    const ssize_t n = pn_link_recv(in.link, chunk_.data(), chunk_.size());
    if (n <= 0) break;
    std::string_view piece(chunk_.data(), static_cast<std::size_t>(n));
    const auto to_file =
        static_cast<std::size_t>(std::min<std::uint64_t>(piece.size(), l.payload_left));
    l.upload->append(piece.substr(0, to_file));
    l.payload_left -= to_file;
    l.after.append(piece.substr(to_file));
  }
  if (l.after.size() > kMaxAfterBytes) {
    in.large.reset();  // the file goes with the upload
    refuse_link(in.link, "amqp:not-implemented",
                "a large message whose body is more than one Data section");
    forget_link(in.link, true);  // destroys `in`
    return;
  }
  if (!paused_for_upload_ && l.upload->unwritten() > kUploadPauseBytes) {
    paused_for_upload_ = true;
    conn_.pause_reading();
    l.upload->when_written(kUploadResumeBytes, [this, alive = alive_] {
      if (!*alive || closed_) return;
      paused_for_upload_ = false;
      conn_.resume_reading();
    });
  }
  if (pn_delivery_partial(d)) return;
  pn_link_advance(in.link);
  if (pn_delivery_aborted(d) || l.payload_left != 0) {
    in.large.reset();
    if (!pn_delivery_aborted(d))
      reject(d, "amqp:decode-error", "the transfer ended inside its Data section");
    pn_delivery_settle(d);
    return;
  }
  // The link's next transfers wait until this one is on disk and sent.
  in.waiting = true;
  l.upload->finish([this, alive = alive_, link = in.link, d](
                       std::error_code ec, std::shared_ptr<store::LargeBody> body) {
    if (*alive && !closed_) large_written(link, d, ec, std::move(body));
  });
}

void AmqpConnection::large_written(pn_link_t* link, pn_delivery_t* d, std::error_code ec,
                                   std::shared_ptr<store::LargeBody> body) {
  auto it = incoming_.find(link);
  if (it == incoming_.end()) return;  // the link went; its delivery with it
  Incoming& in = *it->second;
  in.waiting = false;
  auto large = std::move(in.large);
  if (ec) {
    reject(d, "amqp:internal-error", "could not be stored: " + ec.message());
  } else {
    // The message as it would be with an empty Data body; the file is its payload.
    std::string bytes = std::move(large->head);
    append_data_section(bytes, {});
    bytes += large->after;
    transfer(in, d, bytes, std::move(body));
  }
  // What arrived behind it meanwhile.
  if (pn_delivery_t* next = pn_link_current(link); next != nullptr && next != d) receive(in, next);
  if (running_)
    again_ = true;
  else
    schedule_run();
}

}  // namespace artemis::protocol::amqp
