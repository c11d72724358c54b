#pragma once
// StompSession: one STOMP connection's state machine (reference §6), frames <-> core calls.
//
// Structure (STYLE.md §1-3): on_bytes() feeds the codec; every decoded frame goes through ONE
// dispatch table (dispatch()) to a handler; a handler either succeeds or returns a Refusal,
// and ONE place (refuse()) turns a Refusal into an ERROR frame (with receipt-id when asked)
// and, when the Refusal says so, closes the connection. Decode errors take the same exit.
//
// Receipts go out in request order: a durable SEND's RECEIPT waits for its journal
// completion, and later receipts queue behind it. Once the connection closed the core calls
// no completion (core_ is gone).
//
// Deviation from Artemis, on purpose: NACK returns the message to its queue (delivery count + 1,
// so max-delivery-attempts dead-letters it); Artemis discards NACKed messages like ACKed ones.
//
// Broker thread only.
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

#include "core/post_office.hpp"
#include "core/server_session.hpp"
#include "net/protocol.hpp"
#include "protocol/stomp/message_mapping.hpp"
#include "protocol/stomp/stomp_module.hpp"
#include "security/security_manager.hpp"
#include "stomp/codec.hpp"

namespace artemis::protocol::stomp_session {

namespace codec = artemis::stomp;  // the frame codec (libcommon), not this module
using ModuleContext = protocol::stomp::ModuleContext;

enum class AckMode { auto_ack, client, client_individual };

// A handler's failure; becomes one ERROR frame.
struct Refusal {
  std::string message;  // ERROR "message" header
  std::string detail;   // ERROR body (text/plain)
  bool close = false;
  net::CloseReason reason = net::CloseReason::protocol_error;
};
using Outcome = std::optional<Refusal>;

class StompSession;

struct Subscription : core::ConsumerHandler {
  StompSession* session = nullptr;
  std::string id;            // client's subscription id
  std::uint64_t number = 0;  // the core consumer id; first half of message-id / ack ids
  std::string destination;   // as the client wrote it
  AckMode ack = AckMode::auto_ack;
  core::ServerConsumer* consumer = nullptr;  // none for a browser
  bool started = false;      // deliveries wait until the SUBSCRIBE receipt is queued

  bool ready(const core::ServerConsumer& c) const override;
  void deliver(core::ServerConsumer& c, const core::MessageRef& ref) override;
};

class StompSession : public net::ProtocolSession {
 public:
  StompSession(net::Connection& connection, ModuleContext& context);
  ~StompSession() override;

  void on_bytes(std::string_view bytes) override;
  void on_writable() override;
  void on_closed(net::CloseReason reason) override;

  // Write queue high-water mark: dispatch to this connection stops above it.
  static constexpr std::size_t kHighWaterBytes = 512 * 1024;
  // Receipts waiting for the disk; reading pauses above this many.
  static constexpr std::size_t kMaxPendingReceipts = 8192;

 private:
  friend struct Subscription;
  using Handler = Outcome (StompSession::*)(codec::Frame&);
  struct Command {
    std::string_view name;
    Handler handler;
    bool needs_connection;
  };
  static const std::array<Command, 11>& commands();

  // Decodes and handles what the decoder holds, until it needs more bytes or a large
  // message's body is being synced (held_for_large_).
  void decode_frames();
  void dispatch(codec::Frame& f);
  void refuse(const Refusal& r, const codec::Frame* f);
  void send_frame(const codec::Frame& f);
  // A MESSAGE frame, encoded straight from the core message (the per-delivery path).
  void send_message(const core::MessageRef& ref, const DeliveryHeaders& h);
  void send_receipt(std::string_view receipt_id);
  // Sends what encode_buffer_ holds.
  void send_encoded();
  void close(net::CloseReason reason);

  Outcome on_connect(codec::Frame& f);
  Outcome on_send(codec::Frame& f);
  // SEND with its body in `f`, or (large) in a file already on disk.
  Outcome send(codec::Frame& f, std::shared_ptr<store::LargeBody> large);

  // Large messages (session_large.cpp). A SEND whose body is over stompMinLargeMessageSize:
  // its body goes to a file as it arrives, reading pauses while too much of it waits to be
  // written, and frames after it wait until it is on disk and sent (so sends stay in order).
  void on_large_start(codec::Frame& f);
  void on_large_piece(std::string_view piece);
  void on_large_end();
  Outcome begin_upload();
  void upload_after_block();  // the address the large SEND is for is no longer full
  void large_written(std::error_code ec, std::shared_ptr<store::LargeBody> body);
  // Resumes reading once nothing holds it paused.
  void resume_if_free();
  bool reading_paused() const {
    return paused_for_receipts_ || paused_for_address_ || paused_for_upload_ || held_for_large_;
  }
  // Output. Every byte goes through write_out(): while a large message's body is being
  // streamed (pump_output), later frames queue behind it.
  void write_out(std::string_view bytes);
  void pump_output();
  Outcome on_subscribe(codec::Frame& f);
  Outcome on_unsubscribe(codec::Frame& f);
  Outcome on_ack(codec::Frame& f);
  Outcome on_nack(codec::Frame& f);
  Outcome on_begin(codec::Frame& f);
  Outcome on_commit(codec::Frame& f);
  Outcome on_abort(codec::Frame& f);
  Outcome on_disconnect(codec::Frame& f);

  // `destination-type` / `subscription-type` must be ANYCAST or MULTICAST when present; the
  // destination with the acceptor's prefixes and that hint applied (reference §6.2).
  static Outcome check_routing_type(const codec::Frame& f, const char* header);
  core::Target resolve(const std::string& destination, const std::string* type_header) const;
  static Refusal refusal(const core::Refused& r) { return Refusal{r.text, r.detail, false}; }
  Outcome ack_or_nack(const codec::Frame& f, bool ack);
  Outcome browse(const codec::Frame& f, const std::string& id, const core::Target& t);
  void remove_subscription(Subscription& s);

  // Receipts, in order. new_receipt() appends a slot and returns its number; it is queued
  // when the frame succeeded (dropped when it was refused); its completion may run before
  // that (a non-durable send), queueing then flushes it. A completion holds the session and
  // the slot's number only: the core calls none once core_ is gone, so it needs no guard.
  std::uint64_t new_receipt(const codec::Frame& f);
  std::function<void(std::error_code)> completion(std::uint64_t slot);
  void complete_receipt(std::uint64_t slot, std::error_code ec);
  void queue_receipt(std::uint64_t slot);
  void drop_receipt(std::uint64_t slot);
  std::function<void(std::error_code)> receipt_slot(const codec::Frame& f);
  void flush_receipts();
  // ERROR naming the limit, then the rest of the frame is dropped for a while before the close.
  void refuse_oversize_frame();
  void start_heartbeats(std::int64_t send_ms, std::int64_t ttl_ms);
  void on_send_tick();
  void on_ttl_tick();

  net::Connection& conn_;
  ModuleContext& ctx_;
  codec::Decoder decoder_;
  // A frame over the limit was refused: what follows is read and dropped until the close.
  bool discarding_ = false;
  util::Scheduler::TimerId discard_timer_ = 0;
  codec::Version version_ = codec::Version::v1_0;
  bool connected_ = false;
  bool closing_ = false;
  bool disconnect_after_receipts_ = false;
  std::unique_ptr<core::ServerSession> core_;  // null once closed
  std::function<void()> backup_gone_;  // from on_backup_announce

  std::map<std::string, std::unique_ptr<Subscription>> subscriptions_;  // by id
  std::unordered_map<std::uint64_t, Subscription*> by_number_;        // ACK lookup
  std::uint64_t next_browser_ = 1ull << 62;  // browsers hold no consumer: numbers of their own

  struct ReceiptSlot {
    std::string id;  // "" = a durable send without a receipt (keeps order only)
    bool done = false;
    bool queued = false;
    bool too_large = false;
    std::optional<std::string> error;
  };
  std::deque<ReceiptSlot> receipts_;
  std::uint64_t receipts_first_ = 0;  // number of receipts_.front()
  bool paused_for_receipts_ = false;
  bool paused_for_address_ = false;
  bool paused_for_upload_ = false;  // a large body waits to be written
  bool held_for_large_ = false;     // a large body is being synced: later frames wait

  struct LargeSend {
    codec::Frame frame;                         // the SEND's headers
    std::unique_ptr<core::LargeUpload> upload;  // null: refused, its body is dropped
  };
  std::optional<LargeSend> large_in_;
  // A large message's body written after its MESSAGE headers, or bytes queued behind one.
  struct OutItem {
    std::string bytes;
    std::shared_ptr<store::LargeBody> body;
    std::unique_ptr<store::LargeBodyReader> reader;  // opened when it reaches the front
    std::uint64_t offset = 0;
  };
  std::deque<OutItem> out_queue_;
  std::string out_chunk_;  // a piece of a body on its way to the connection
  // The body's bytes go out this many at a time, up to the connection's high-water mark.
  static constexpr std::size_t kBodyChunk = 64 * 1024;
  // Reading stops while this much of a large body waits for the disk, and goes on below
  // kUploadResumeBytes.
  static constexpr std::size_t kUploadPauseBytes = 4 * 1024 * 1024;
  static constexpr std::size_t kUploadResumeBytes = 1024 * 1024;

  util::Scheduler::TimerId send_timer_ = 0;
  util::Scheduler::TimerId ttl_timer_ = 0;
  std::int64_t send_period_ms_ = 0;
  std::int64_t ttl_ms_ = 0;
  std::int64_t last_read_ms_ = 0;
  std::int64_t last_write_ms_ = 0;
  std::string encode_buffer_;  // every outgoing frame is encoded here, then copied out
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace artemis::protocol::stomp_session
