#include "store/encodings.hpp"

#include "store/bytes.hpp"
#include "store/record_types.hpp"

namespace artemis::store {
namespace {

bool check_version(ByteReader& r) { return r.u8() == record::layout_v1; }

template <class T>
std::optional<T> finish(const ByteReader& r, T value) {
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return value;
}

}  // namespace

std::string_view record::name(std::uint8_t type) {
  switch (type) {
    case address_binding: return "ADDRESS";
    case queue_binding: return "QUEUE";
    case id_counter: return "ID_COUNTER";
    case message: return "MESSAGE";
    case add_ref: return "ADD_REF";
    case ack_ref: return "ACK_REF";
    case delivery_count: return "DELIVERY_COUNT";
    case duplicate_id: return "DUPLICATE_ID";
    case page_cursor_ack:
      return "ACKNOWLEDGE_CURSOR";
    case page_cursor_complete:
      return "PAGE_CURSOR_COMPLETE";
    case page_transaction:
      return "PAGE_TRANSACTION";
    case large_message:
      return "ADD_LARGE_MESSAGE";
    default: return "UNKNOWN";
  }
}

std::vector<std::uint8_t> encode(const AddressRecord& r) {
  ByteWriter w;
  w.u8(record::layout_v1);
  w.str(r.name);
  w.u8(static_cast<std::uint8_t>((r.anycast ? 1 : 0) | (r.multicast ? 2 : 0)));
  w.u8(r.auto_created ? 1 : 0);
  return std::move(w.bytes());
}

std::optional<AddressRecord> decode_address(std::uint64_t id, std::span<const std::uint8_t> b) {
  ByteReader r(b);
  if (!check_version(r)) return std::nullopt;
  AddressRecord a;
  a.id = id;
  a.name = r.str();
  const auto types = r.u8();
  a.anycast = (types & 1) != 0;
  a.multicast = (types & 2) != 0;
  a.auto_created = (r.u8() & 1) != 0;
  return finish(r, std::move(a));
}

std::vector<std::uint8_t> encode(const QueueRecord& r) {
  ByteWriter w;
  w.u8(record::layout_v1);
  w.str(r.name);
  w.str(r.address);
  w.u8(static_cast<std::uint8_t>(r.routing_type));
  w.str(r.filter.value_or(""));
  w.u8(static_cast<std::uint8_t>((r.auto_created ? 1 : 0) | (r.filter ? 2 : 0) |
                                 (r.purge_on_no_consumers ? 4 : 0) | (r.paused ? 8 : 0)));
  w.u32(static_cast<std::uint32_t>(r.max_consumers));
  w.str(r.user);
  return std::move(w.bytes());
}

std::optional<QueueRecord> decode_queue(std::uint64_t id, std::span<const std::uint8_t> b) {
  ByteReader r(b);
  if (!check_version(r)) return std::nullopt;
  QueueRecord q;
  q.id = id;
  q.name = r.str();
  q.address = r.str();
  const auto rt = r.u8();
  if (rt > 1) return std::nullopt;
  q.routing_type = static_cast<RoutingType>(rt);
  std::string filter = r.str();
  const auto flags = r.u8();
  q.auto_created = (flags & 1) != 0;
  if ((flags & 2) != 0) q.filter = std::move(filter);
  q.purge_on_no_consumers = (flags & 4) != 0;
  q.paused = (flags & 8) != 0;
  q.max_consumers = static_cast<int>(static_cast<std::int32_t>(r.u32()));
  q.user = r.str();
  return finish(r, std::move(q));
}

void encode_duplicate_id_into(std::string_view address, std::string_view duplicate_id,
                              std::vector<std::uint8_t>& out) {
  ByteWriter w(std::move(out), 1 + 4 + address.size() + 4 + duplicate_id.size());
  w.u8(record::layout_v1);
  w.str(address);
  w.str(duplicate_id);
  out = std::move(w.bytes());
}

std::vector<std::uint8_t> encode(const DuplicateIdRecord& d) {
  std::vector<std::uint8_t> out;
  encode_duplicate_id_into(d.address, d.duplicate_id, out);
  return out;
}

std::optional<DuplicateIdRecord> decode_duplicate_id(std::uint64_t id,
                                                     std::span<const std::uint8_t> b) {
  ByteReader r(b);
  if (!check_version(r)) return std::nullopt;
  DuplicateIdRecord d;
  d.id = id;
  d.address = r.str();
  d.duplicate_id = r.str();
  return finish(r, std::move(d));
}

std::vector<std::uint8_t> encode_id_counter(std::uint64_t reserved_up_to) {
  ByteWriter w(1 + 8);
  w.u8(record::layout_v1);
  w.u64(reserved_up_to);
  return std::move(w.bytes());
}

std::optional<std::uint64_t> decode_id_counter(std::span<const std::uint8_t> b) {
  ByteReader r(b);
  if (!check_version(r)) return std::nullopt;
  const auto v = r.u64();
  return finish(r, v);
}

RefBytes encode_ref_bytes(std::uint64_t queue_id) {
  // The id counter's layout: a layout byte, then the id big-endian.
  RefBytes out{};
  out[0] = record::layout_v1;
  for (std::size_t i = 0; i < 8; ++i) out[1 + i] = static_cast<std::uint8_t>(queue_id >> (56 - 8 * i));
  return out;
}

std::vector<std::uint8_t> encode_ref(std::uint64_t queue_id) {
  const auto b = encode_ref_bytes(queue_id);
  return {b.begin(), b.end()};
}

std::optional<std::uint64_t> decode_ref(std::span<const std::uint8_t> b) {
  return decode_id_counter(b);
}

std::vector<std::uint8_t> encode_delivery_count(std::uint64_t queue_id, std::uint32_t count) {
  ByteWriter w(1 + 8 + 4);
  w.u8(record::layout_v1);
  w.u64(queue_id);
  w.u32(count);
  return std::move(w.bytes());
}

std::optional<DeliveryCount> decode_delivery_count(std::span<const std::uint8_t> b) {
  ByteReader r(b);
  if (!check_version(r)) return std::nullopt;
  DeliveryCount d;
  d.queue_id = r.u64();
  d.count = r.u32();
  return finish(r, d);
}

std::ostream& operator<<(std::ostream& os, const AddressRecord& r) {
  os << "Address{id=" << r.id << ", name=" << r.name << ", routingTypes=[";
  if (r.anycast) os << "ANYCAST" << (r.multicast ? "," : "");
  if (r.multicast) os << "MULTICAST";
  return os << "], autoCreated=" << (r.auto_created ? "true" : "false") << "}";
}

std::ostream& operator<<(std::ostream& os, const QueueRecord& r) {
  return os << "Queue{id=" << r.id << ", name=" << r.name << ", address=" << r.address
            << ", routingType=" << (r.routing_type == RoutingType::anycast ? "ANYCAST" : "MULTICAST")
            << ", filter=" << r.filter.value_or("") << ", autoCreated="
            << (r.auto_created ? "true" : "false") << ", maxConsumers=" << r.max_consumers << "}";
}

std::ostream& operator<<(std::ostream& os, const DuplicateIdRecord& d) {
  return os << "DuplicateId{id=" << d.id << ", address=" << d.address
            << ", duplicateId=" << d.duplicate_id << "}";
}

}  // namespace artemis::store
