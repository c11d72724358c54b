#pragma once
// On-disk format of journal files, version 1. All integers are little-endian.
//
// File header (kFileHeaderSize = 32 bytes, offset 0):
//   0 magic u32 "AJNL" | 4 version u16 | 6 state u16 (1 data, 2 free) | 8 file sequence u64
//   16 file size when created u64 | 24 reserved u32 (0) | 28 CRC32C of bytes 0..27 u32
// Records follow back to back from offset 32; the rest of a file is zeros (new file) or stale
// bytes of an earlier incarnation (recycled file).
//
// Record header (kRecordHeaderSize = 28 bytes, +8 for the tx forms):
//   0 CRC32C u32 over bytes 4..length-1, seeded from the file sequence
//   4 length u32 (whole record, header included) | 8 type u8 | 9 user type u8 | 10 reserved u16
//   12 file sequence u64 | 20 id u64 | [28 tx id u64 for ADD_TX, UPDATE_TX, DELETE_TX]
//   then the payload. PREPARE, COMMIT and ROLLBACK put the tx id in `id`; PREPARE's payload
//   is the caller's extra bytes.
// A record is valid only if its sequence equals the file header's and its CRC matches; a stale
// record left by an earlier use of a recycled file fails both. Sequences only grow, so no two
// incarnations of any file ever share one.
//
// Compatibility: readers reject other magic values and versions above kFormatVersion; a new
// version gets its own reader file beside this one.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace artemis::journal {

inline constexpr std::uint32_t kFileMagic = 0x4C4E4A41u;  // "AJNL"
inline constexpr std::uint16_t kFormatVersion = 1;
inline constexpr std::uint32_t kFileHeaderSize = 32;
inline constexpr std::uint32_t kRecordHeaderSize = 28;
inline constexpr std::uint32_t kTxFieldSize = 8;

enum class FileState : std::uint16_t { data = 1, free = 2 };

enum class RecordType : std::uint8_t {
  add = 1,
  update = 2,
  del = 3,
  add_tx = 4,
  update_tx = 5,
  delete_tx = 6,
  prepare = 7,
  commit = 8,
  rollback = 9,
};
std::string to_string(RecordType type);
bool has_tx_field(RecordType type);
inline std::uint32_t header_size(RecordType type) {
  return kRecordHeaderSize + (has_tx_field(type) ? kTxFieldSize : 0);
}

struct FileHeader {
  std::uint64_t seq = 0;
  FileState state = FileState::data;
  std::uint64_t created_size = 0;
};
void encode_file_header(const FileHeader& header, std::uint8_t* out);  // writes kFileHeaderSize
// nullopt with `why` set when magic, version, state or CRC is wrong.
std::optional<FileHeader> decode_file_header(std::span<const std::uint8_t> bytes, std::string& why);

// A record as the journal sees it (no meaning attached).
struct RecordView {
  RecordType type = RecordType::add;
  std::uint8_t user_type = 0;
  std::uint64_t id = 0;
  std::uint64_t tx_id = 0;  // tx forms; for prepare/commit/rollback equals id
  std::span<const std::uint8_t> payload;
  std::span<const std::uint8_t> payload_tail;  // written right after payload (Payload::tail)
  std::size_t payload_size() const { return payload.size() + payload_tail.size(); }
};

// Size of the encoded record.
inline std::uint32_t encoded_size(RecordType type, std::size_t payload) {
  return header_size(type) + static_cast<std::uint32_t>(payload);
}
// Writes the record for file `seq` into out (encoded_size bytes).
void encode_record(const RecordView& record, std::uint64_t seq, std::uint8_t* out);

enum class Decode { ok, end_zero, stale, torn };
struct Decoded {
  Decode status = Decode::torn;
  RecordView record;
  std::uint32_t size = 0;  // bytes of the record (ok) or of the damaged region we can bound
  std::string why;         // for torn
};
// Decodes the record starting at `bytes` (the rest of the file) for file `seq`.
// end_zero: all-zero header (never written); stale: a record of another incarnation;
// torn: anything else that does not validate. Never reads past `bytes`.
Decoded decode_record(std::span<const std::uint8_t> bytes, std::uint64_t seq);

}  // namespace artemis::journal
