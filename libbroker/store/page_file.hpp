#pragma once
// Page files: where a paging address's messages wait on disk (reference §5.2-5.3). A page file
// is a plain append-only sequence of records, no header, no checksum:
//
//   '{'  length:u32  paged message (length bytes)  '}'
//   paged message: tx_id:i64 (-1: none) flags:u8 (bit0 durable, bit1 large) queue_count:u32
//                  queue_id:u64 * queue_count  [body_size:u64 when large]
//                  MessageRecord (encodings.hpp, v3; a large message's without its body)
//
// The queues come before the message, unlike Artemis's layout, so a start-up scan learns which
// queues each record is for without decoding a single message. A reader stops at the first
// record whose markers or length do not fit (a torn tail after a crash) and reports the file as
// suspect; what comes before is intact. A message's position is (page number, index in file).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "store/encodings.hpp"

namespace artemis::store {

inline constexpr std::uint8_t page_record_start = '{';
inline constexpr std::uint8_t page_record_end = '}';
inline constexpr std::int64_t no_page_tx = -1;

struct PagedMessage {
  std::int64_t tx_id = no_page_tx;
  std::vector<std::uint64_t> queue_ids;
  MessageRecord message;
};

// What a scan sees of a record without decoding its message.
struct PagedHeader {
  std::int64_t tx_id = no_page_tx;
  bool durable = false;
  bool large = false;                       // its body is in large-messages/<id>.msg
  std::uint64_t large_size = 0;             // that body's size
  std::span<const std::uint8_t> queue_ids;  // queue_count big-endian u64s
  std::size_t message_offset = 0;           // where the MessageRecord starts in the payload
  std::size_t record_bytes = 0;             // the whole record, markers included
  std::uint64_t queue_id(std::size_t i) const;
  std::size_t queue_count() const { return queue_ids.size() / 8; }
};

// Appends one record to `out`.
void encode_page_record(std::int64_t tx_id, std::span<const std::uint64_t> queue_ids,
                        const MessageRecord& m, std::vector<std::uint8_t>& out);

struct PageScan {
  std::size_t records = 0;
  std::size_t valid_bytes = 0;  // up to the end of the last whole record
  bool suspect = false;         // bytes after valid_bytes that are not a whole record
};

// Walks the records of a page file's bytes; `fn` sees each header with the record's payload.
// Stops at the first damaged record (suspect) or when fn returns false.
PageScan scan_page(
    std::span<const std::uint8_t> bytes,
    const std::function<bool(const PagedHeader&, std::span<const std::uint8_t>)>& fn);
// The message of one record's payload (as scan_page hands it); nullopt when it does not decode.
std::optional<PagedMessage> decode_paged_message(std::span<const std::uint8_t> payload);

// Reads one page file record by record from where a reader left it, through a buffer of
// about 128 KiB, so a cursor never holds a whole page in memory.
class PageFileReader {
 public:
  PageFileReader() = default;
  ~PageFileReader();
  PageFileReader(PageFileReader&& o) noexcept;
  PageFileReader& operator=(PageFileReader&& o) noexcept;

  std::error_code open(const std::filesystem::path& path);
  void close();
  bool is_open() const { return fd_ >= 0; }
  // The record starting at `offset`: its header and payload (valid until the next read).
  // nullopt at the end of what is written, or when the bytes there are not a whole record.
  struct Record {
    PagedHeader header;
    std::span<const std::uint8_t> payload;
  };
  std::optional<Record> read(std::uint64_t offset);

 private:
  bool fill(std::uint64_t offset, std::size_t need);
  int fd_ = -1;
  std::vector<std::uint8_t> buffer_;
  std::uint64_t buffer_offset_ = 0;  // file offset of buffer_[0]
};

// A paging store's folder: named by its id in 16 hex digits, its address.txt naming the address.
std::string paging_folder_name(std::uint64_t store_id);
// The id a folder name stands for; nullopt for any other name.
std::optional<std::uint64_t> paging_store_id(const std::string& folder_name);
// The first line of the folder's address.txt (empty when there is none).
std::string paging_store_address(const std::filesystem::path& folder);

// 000000001.page for page 1.
std::string page_file_name(std::uint32_t number);
// The page number of such a name; nullopt for any other file.
std::optional<std::uint32_t> page_number_of(const std::string& file_name);
// The whole file; an error when it cannot be read.
std::error_code read_file(const std::filesystem::path& path, std::vector<std::uint8_t>& out);

}  // namespace artemis::store
