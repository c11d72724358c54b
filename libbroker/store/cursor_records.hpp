#pragma once
// The message-journal records of page cursors (reference §5.5), each an ADD with its own id:
//   page_cursor_ack       v1 store:u64 queue_id:u64 page:u32 index:u32  a paged message
//                                                          acknowledged on a queue
//   page_cursor_complete  v1 store:u64 queue_id:u64 page:u32  the queue is done with the page;
//                                                          replaces its acks
//   page_transaction      v1 store:u64 page:u32 tx:u64   the transaction's messages on that page
//                                                          count (added in the transaction)
// `store` names the paging store (its folder), since page numbers are per store and a queue
// bound to a wildcard address reads the pages of several.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace artemis::store {

struct PageCursorRecord {
  std::uint64_t id = 0;  // the journal record's id
  std::uint64_t store_id = 0;
  std::uint64_t queue_id = 0;
  std::uint32_t page = 0;
  std::uint32_t index = 0;  // acks only
};

struct PageTransactionRecord {
  std::uint64_t id = 0;
  std::uint64_t store_id = 0;
  std::uint32_t page = 0;
  std::uint64_t tx_id = 0;
};

std::vector<std::uint8_t> encode_page_transaction(std::uint64_t store_id, std::uint32_t page,
                                                  std::uint64_t tx_id);
std::optional<PageTransactionRecord> decode_page_transaction(std::uint64_t id,
                                                             std::span<const std::uint8_t> b);
std::vector<std::uint8_t> encode_cursor_ack(std::uint64_t store_id, std::uint64_t queue_id,
                                            std::uint32_t page, std::uint32_t index);
std::vector<std::uint8_t> encode_page_complete(std::uint64_t store_id, std::uint64_t queue_id,
                                               std::uint32_t page);
std::optional<PageCursorRecord> decode_cursor_ack(std::uint64_t id,
                                                  std::span<const std::uint8_t> b);
std::optional<PageCursorRecord> decode_page_complete(std::uint64_t id,
                                                     std::span<const std::uint8_t> b);

}  // namespace artemis::store
