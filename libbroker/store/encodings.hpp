#pragma once
// Fixed-layout record bodies. Every body starts with its layout version (record::layout_v1,
// v2 or v3); fields are big-endian; strings are u32 length + bytes. These structs are the
// on-disk shape, kept apart from the core's in-memory types. Compatibility: a new field means a
// new layout version with its own decoder; older bodies stay readable forever.
//
//   AddressRecord      v1 name:str routing_types:u8(bit0 anycast, bit1 multicast) flags:u8(bit0 auto-created)
//   QueueRecord        v1 name:str address:str routing_type:u8 filter:str flags:u8
//                         (bit0 auto-created, bit1 has-filter, bit2 purge-on-no-consumers)
//                         max_consumers:u32(two's complement) user:str
//   IdCounterRecord    v1 reserved_up_to:u64
//   MessageRecord      v3 as v2 but nprops and the properties are one props:str, the
//                         packed buffer of store::Properties ({key_len:varint key tag:u8
//                         value}*, the tags below, scalars little-endian, string and bytes
//                         values varint length + bytes); written by little-endian hosts
//                      v2 id:u64 address:str flags:u8(bit0 durable) priority:u8 expiration:i64
//                         timestamp:i64 scheduled:i64 body_type:u8 routing_type:u8(255 none)
//                         nprops:u32 {key:str tag:u8 value}* body:str
//                         tag/value (Artemis DataConstants numbers): 0 null (no bytes),
//                         2 boolean u8, 3 byte i8, 4 bytes str, 5 short i16, 6 int i32,
//                         7 long i64, 8 float u32 (IEEE 754 bits), 9 double u64 (IEEE 754
//                         bits), 10 string str
//                         body_type: 0 default, 2 object, 3 text, 4 bytes, 5 map, 6 stream,
//                         10 amqp; map/stream/object/amqp bodies are their encoded bytes
//                      v1 (read only) as v2 but body_type is 3 or 4 and every property is
//                         {key:str value:str}, read as a string property
//   RefRecord          v1 queue_id:u64
//   DeliveryCountRecord v1 queue_id:u64 count:u32
//   DuplicateIdRecord  v1 address:str id:str
#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/properties.hpp"

namespace artemis::store {

enum class RoutingType : std::uint8_t { anycast = 0, multicast = 1 };
// The body's kind, numbered as Artemis's Message type constants (7 and 8 are its embedded
// kinds, which we do not have). Only text and bytes bodies are read by the broker; the others
// are kept as the encoded bytes their protocol produced and handed on unchanged. amqp is ours:
// an AMQP message's body sections, as encoded on the wire.
enum class BodyType : std::uint8_t {
  default_type = 0,  // a JMS Message: no body of its own
  object = 2,
  text = 3,
  bytes = 4,
  map = 5,
  stream = 6,
  amqp = 10,
};

std::string_view body_type_name(BodyType t);  // "TEXT", "BYTES", ... as `data print` shows it

// An optional byte count in 8 bytes (std::optional<std::uint64_t> takes 16, and a queued
// message pays for it): the one value no file can have, UINT64_MAX, means none.
class OptionalSize {
 public:
  constexpr OptionalSize() = default;
  constexpr OptionalSize(std::nullopt_t) {}
  constexpr OptionalSize(std::uint64_t size) : size_(size) {}
  constexpr bool has_value() const { return size_ != kNone; }
  constexpr explicit operator bool() const { return has_value(); }
  constexpr std::uint64_t operator*() const { return size_; }
  constexpr std::uint64_t value_or(std::uint64_t fallback) const {
    return has_value() ? size_ : fallback;
  }
  constexpr void reset() { size_ = kNone; }
  friend constexpr bool operator==(OptionalSize, OptionalSize) = default;

 private:
  static constexpr std::uint64_t kNone = UINT64_MAX;
  std::uint64_t size_ = kNone;
};

struct AddressRecord {
  std::uint64_t id = 0;
  std::string name;
  bool anycast = false;
  bool multicast = false;
  bool auto_created = false;
};

struct QueueRecord {
  std::uint64_t id = 0;
  std::string name;
  std::string address;
  RoutingType routing_type = RoutingType::anycast;
  std::optional<std::string> filter;
  bool auto_created = false;
  bool purge_on_no_consumers = false;
  int max_consumers = -1;
  std::string user;
  bool paused = false;  // pause(true): still paused after a restart
};

// The persisted fields of a message; the core's Message holds one of these. The one-byte fields
// sit together: queues hold messages by the hundred thousand and padding is paid per message.
struct MessageRecord {
  std::uint64_t id = 0;
  std::string address;
  std::int64_t expiration = 0;   // epoch ms, 0 = never
  std::int64_t timestamp = 0;    // epoch ms
  std::int64_t scheduled = 0;    // epoch ms before which it is not delivered, 0 = now
  Properties properties;
  std::string body;
  bool durable = false;
  std::uint8_t priority = 4;
  BodyType type = BodyType::text;
  std::optional<RoutingType> routing_type;
  // A large message: its body (this many bytes) is in its own file, and `body` is empty. Kept
  // by the record around the message encoding (record::large_message, a page record's header).
  OptionalSize large_body_size;
};

struct DuplicateIdRecord {
  std::uint64_t id = 0;
  std::string address;
  std::string duplicate_id;
};

std::vector<std::uint8_t> encode(const AddressRecord& r);
std::vector<std::uint8_t> encode(const QueueRecord& r);
std::vector<std::uint8_t> encode(const MessageRecord& r);
// The same into `out` (cleared first): a caller that encodes message after message reuses one
// buffer instead of allocating a body-sized one each time.
void encode_into(const MessageRecord& r, std::vector<std::uint8_t>& out);
// encode_into without the body's bytes (its length is the last field written): the journal
// writes the body right after it (journal::Payload), so a stored message's body is copied once.
void encode_head_into(const MessageRecord& r, std::vector<std::uint8_t>& out);
// A large message's record (record::large_message): its body's size, then the message
// without a body.
void encode_large_message_into(const MessageRecord& r, std::vector<std::uint8_t>& out);
std::optional<MessageRecord> decode_large_message(std::span<const std::uint8_t> b);
// Layout v2, what a big-endian host writes (and what this broker wrote before v3).
std::vector<std::uint8_t> encode_v2(const MessageRecord& r);
std::vector<std::uint8_t> encode(const DuplicateIdRecord& r);
// The same into `out` (cleared first), from views: a send's duplicate id is not copied.
void encode_duplicate_id_into(std::string_view address, std::string_view duplicate_id,
                              std::vector<std::uint8_t>& out);
std::vector<std::uint8_t> encode_id_counter(std::uint64_t reserved_up_to);
std::vector<std::uint8_t> encode_ref(std::uint64_t queue_id);
// encode_ref's bytes in a fixed array (layout byte + queue id).
using RefBytes = std::array<std::uint8_t, 9>;
RefBytes encode_ref_bytes(std::uint64_t queue_id);
std::vector<std::uint8_t> encode_delivery_count(std::uint64_t queue_id, std::uint32_t count);

// Decoders return nullopt for a body of the wrong version or length; `id` is the journal
// record id (it is not repeated inside bodies that use it as their key).
std::optional<AddressRecord> decode_address(std::uint64_t id, std::span<const std::uint8_t> b);
std::optional<QueueRecord> decode_queue(std::uint64_t id, std::span<const std::uint8_t> b);
std::optional<MessageRecord> decode_message(std::span<const std::uint8_t> b);
std::optional<DuplicateIdRecord> decode_duplicate_id(std::uint64_t id,
                                                     std::span<const std::uint8_t> b);
std::optional<std::uint64_t> decode_id_counter(std::span<const std::uint8_t> b);
std::optional<std::uint64_t> decode_ref(std::span<const std::uint8_t> b);
struct DeliveryCount {
  std::uint64_t queue_id = 0;
  std::uint32_t count = 0;
};
std::optional<DeliveryCount> decode_delivery_count(std::span<const std::uint8_t> b);

std::ostream& operator<<(std::ostream& os, const AddressRecord& r);
std::ostream& operator<<(std::ostream& os, const QueueRecord& r);
std::ostream& operator<<(std::ostream& os, const MessageRecord& r);
std::ostream& operator<<(std::ostream& os, const DuplicateIdRecord& r);

}  // namespace artemis::store
