#include "store/cursor_records.hpp"

#include "store/bytes.hpp"
#include "store/record_types.hpp"

namespace artemis::store {

std::vector<std::uint8_t> encode_cursor_ack(std::uint64_t store_id, std::uint64_t queue_id,
                                            std::uint32_t page, std::uint32_t index) {
  ByteWriter w(1 + 8 + 8 + 4 + 4);
  w.u8(record::layout_v1);
  w.u64(store_id);
  w.u64(queue_id);
  w.u32(page);
  w.u32(index);
  return std::move(w.bytes());
}

std::vector<std::uint8_t> encode_page_complete(std::uint64_t store_id, std::uint64_t queue_id,
                                               std::uint32_t page) {
  ByteWriter w(1 + 8 + 8 + 4);
  w.u8(record::layout_v1);
  w.u64(store_id);
  w.u64(queue_id);
  w.u32(page);
  return std::move(w.bytes());
}

std::optional<PageCursorRecord> decode_cursor_ack(std::uint64_t id,
                                                  std::span<const std::uint8_t> b) {
  ByteReader r(b);
  if (r.u8() != record::layout_v1) return std::nullopt;
  PageCursorRecord c{id, r.u64(), r.u64(), r.u32(), 0};
  c.index = r.u32();
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return c;
}

std::optional<PageCursorRecord> decode_page_complete(std::uint64_t id,
                                                     std::span<const std::uint8_t> b) {
  ByteReader r(b);
  if (r.u8() != record::layout_v1) return std::nullopt;
  PageCursorRecord c{id, r.u64(), r.u64(), r.u32(), 0};
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return c;
}

std::vector<std::uint8_t> encode_page_transaction(std::uint64_t store_id, std::uint32_t page,
                                                  std::uint64_t tx_id) {
  ByteWriter w(1 + 8 + 4 + 8);
  w.u8(record::layout_v1);
  w.u64(store_id);
  w.u32(page);
  w.u64(tx_id);
  return std::move(w.bytes());
}

std::optional<PageTransactionRecord> decode_page_transaction(std::uint64_t id,
                                                             std::span<const std::uint8_t> b) {
  ByteReader r(b);
  if (r.u8() != record::layout_v1) return std::nullopt;
  PageTransactionRecord t{id, r.u64(), r.u32(), r.u64()};
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return t;
}

}  // namespace artemis::store
