#include "journal/record_format.hpp"

#include <algorithm>
#include <cstring>

#include "journal/crc32c.hpp"

namespace artemis::journal {
namespace {

template <class T>
void put(std::uint8_t* out, T value) {
  std::memcpy(out, &value, sizeof value);  // x86-64 and aarch64-linux are little-endian
}
template <class T>
T get(const std::uint8_t* in) {
  T value;
  std::memcpy(&value, in, sizeof value);
  return value;
}

// The seed ties a record's CRC to one incarnation of one file.
std::uint32_t seed_for(std::uint64_t seq) {
  return static_cast<std::uint32_t>((seq * 0x9E3779B97F4A7C15ull) >> 32) ^ 0xA5A5A5A5u;
}

bool valid_type(std::uint8_t t) { return t >= 1 && t <= 9; }

}  // namespace

std::string to_string(RecordType type) {
  switch (type) {
    case RecordType::add: return "AddRecord";
    case RecordType::update: return "UpdateRecord";
    case RecordType::del: return "DeleteRecord";
    case RecordType::add_tx: return "AddRecordTX";
    case RecordType::update_tx: return "UpdateRecordTX";
    case RecordType::delete_tx: return "DeleteRecordTX";
    case RecordType::prepare: return "Prepare";
    case RecordType::commit: return "Commit";
    case RecordType::rollback: return "Rollback";
  }
  return "Unknown";
}

bool has_tx_field(RecordType type) {
  return type == RecordType::add_tx || type == RecordType::update_tx ||
         type == RecordType::delete_tx;
}

void encode_file_header(const FileHeader& header, std::uint8_t* out) {
  std::memset(out, 0, kFileHeaderSize);
  put<std::uint32_t>(out, kFileMagic);
  put<std::uint16_t>(out + 4, kFormatVersion);
  put<std::uint16_t>(out + 6, static_cast<std::uint16_t>(header.state));
  put<std::uint64_t>(out + 8, header.seq);
  put<std::uint64_t>(out + 16, header.created_size);
  put<std::uint32_t>(out + 28, crc32c_extend(0, out, 28));
}

std::optional<FileHeader> decode_file_header(std::span<const std::uint8_t> bytes, std::string& why) {
  if (bytes.size() < kFileHeaderSize) {
    why = "shorter than the 32-byte header";
    return std::nullopt;
  }
  const auto* p = bytes.data();
  if (get<std::uint32_t>(p) != kFileMagic) {
    why = "wrong magic";
    return std::nullopt;
  }
  if (get<std::uint32_t>(p + 28) != crc32c_extend(0, p, 28)) {
    why = "header CRC mismatch";
    return std::nullopt;
  }
  const auto version = get<std::uint16_t>(p + 4);
  if (version == 0 || version > kFormatVersion) {
    why = "unsupported format version " + std::to_string(version);
    return std::nullopt;
  }
  const auto state = get<std::uint16_t>(p + 6);
  if (state != 1 && state != 2) {
    why = "unknown file state " + std::to_string(state);
    return std::nullopt;
  }
  return FileHeader{get<std::uint64_t>(p + 8), static_cast<FileState>(state),
                    get<std::uint64_t>(p + 16)};
}

void encode_record(const RecordView& record, std::uint64_t seq, std::uint8_t* out) {
  const std::uint32_t hsize = header_size(record.type);
  const std::uint32_t size = hsize + static_cast<std::uint32_t>(record.payload_size());
  put<std::uint32_t>(out + 4, size);
  out[8] = static_cast<std::uint8_t>(record.type);
  out[9] = record.user_type;
  put<std::uint16_t>(out + 10, 0);
  put<std::uint64_t>(out + 12, seq);
  put<std::uint64_t>(out + 20, record.id);
  if (has_tx_field(record.type)) put<std::uint64_t>(out + 28, record.tx_id);
  if (!record.payload.empty()) std::memcpy(out + hsize, record.payload.data(), record.payload.size());
  if (!record.payload_tail.empty())
    std::memcpy(out + hsize + record.payload.size(), record.payload_tail.data(),
                record.payload_tail.size());
  put<std::uint32_t>(out, crc32c_extend(seed_for(seq), out + 4, size - 4));
}

Decoded decode_record(std::span<const std::uint8_t> bytes, std::uint64_t seq) {
  Decoded d;
  if (bytes.size() < kRecordHeaderSize) {
    // No record can start this close to the end of a file (appends roll to a new file
    // instead), so whatever is here was never part of a record of this incarnation.
    d.status = Decode::end_zero;
    return d;
  }
  const auto* p = bytes.data();
  if (std::all_of(p, p + kRecordHeaderSize, [](auto b) { return b == 0; })) {
    d.status = Decode::end_zero;
    return d;
  }
  const auto size = get<std::uint32_t>(p + 4);
  const auto type = p[8];
  const auto rec_seq = get<std::uint64_t>(p + 12);
  const bool size_fits = size >= kRecordHeaderSize && size <= bytes.size();
  d.size = size_fits ? size : static_cast<std::uint32_t>(std::min<std::size_t>(bytes.size(), UINT32_MAX));
  if (rec_seq != seq) {
    // Written by an earlier incarnation of this file (or garbage that does not claim ours).
    d.status = rec_seq < seq ? Decode::stale : Decode::torn;
    d.why = "record sequence " + std::to_string(rec_seq) + " is not the file's " + std::to_string(seq);
    return d;
  }
  if (!valid_type(type)) {
    d.why = "unknown record type " + std::to_string(type);
    return d;
  }
  const auto rtype = static_cast<RecordType>(type);
  if (!size_fits || size < header_size(rtype)) {
    d.why = "record length " + std::to_string(size) + " does not fit";
    return d;
  }
  if (get<std::uint32_t>(p) != crc32c_extend(seed_for(seq), p + 4, size - 4)) {
    d.why = "CRC mismatch";
    return d;
  }
  if (get<std::uint16_t>(p + 10) != 0) {
    d.why = "reserved bits set";
    return d;
  }
  d.status = Decode::ok;
  d.record.type = rtype;
  d.record.user_type = p[9];
  d.record.id = get<std::uint64_t>(p + 20);
  d.record.tx_id = has_tx_field(rtype) ? get<std::uint64_t>(p + 28) : d.record.id;
  const auto hsize = header_size(rtype);
  d.record.payload = bytes.subspan(hsize, size - hsize);
  return d;
}

}  // namespace artemis::journal
