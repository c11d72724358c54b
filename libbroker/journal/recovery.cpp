#include "journal/recovery.hpp"

#include <algorithm>

#include "journal/compact_marker.hpp"
#include "journal/errors.hpp"
#include "journal/load_builder.hpp"
#include "journal/log_codes.hpp"

namespace artemis::journal {
namespace fs = std::filesystem;

ScanEnd scan_file(std::span<const std::uint8_t> bytes, std::uint64_t seq,
                  const std::function<void(const RecordView&, Loc)>& on_record) {
  std::uint64_t off = kFileHeaderSize;
  while (off < bytes.size()) {
    const auto d = decode_record(bytes.subspan(off), seq);
    if (d.status != Decode::ok) return ScanEnd{d.status, off, d.status == Decode::torn ? d.size : 0, d.why};
    on_record(d.record, Loc{seq, static_cast<std::uint32_t>(off), d.size});
    off += d.size;
  }
  return ScanEnd{Decode::end_zero, off, 0, {}};
}

namespace {

void apply_to_index(Index& index, const RecordView& r, Loc loc) {
  switch (r.type) {
    case RecordType::add: index.on_add(r.id, loc); break;
    case RecordType::update: index.on_update(r.id, loc); break;
    case RecordType::del: index.on_delete(r.id, loc); break;
    case RecordType::add_tx:
    case RecordType::update_tx:
    case RecordType::delete_tx: index.on_tx_record(r.type, r.tx_id, r.id, loc); break;
    case RecordType::prepare: index.on_prepare(r.tx_id, loc); break;
    case RecordType::commit: index.on_commit(r.tx_id, loc); break;
    case RecordType::rollback: index.on_rollback(r.tx_id, loc); break;
  }
}

}  // namespace

std::error_code recover(const Options& options, const util::Logger& log, Index& index,
                        LoadResult& result, RecoveredFiles& files) {
  const auto& dir = options.directory;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec)) return errc::bad_directory;
  if (auto fin = finish_interrupted_compaction(dir, options.prefix, options.extension, log); fin) {
    return fin;
  }

  struct Candidate {
    std::uint64_t seq;
    JournalFile file;
  };
  std::vector<Candidate> data;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto name = entry.path().filename().string();
    const auto n = parse_file_name(name, options.prefix, options.extension);
    if (!n) continue;
    files.next_name = std::max(files.next_name, *n + 1);
    JournalFile file;
    if (auto open_ec = JournalFile::open(entry.path(), file, file_io(options)); open_ec) {
      return open_ec;
    }
    std::vector<std::uint8_t> head(kFileHeaderSize);
    if (auto read_ec = file.read_at(0, head); read_ec) return read_ec;
    std::string why;
    const auto header = decode_file_header(head, why);
    if (!header) {
      // A file under a journal name always had a synced header (creation goes through .tmp),
      // so this is damage: leave it for an operator, never reuse or delete it.
      log.log(log_codes::kBadHeader, entry.path().string(), why);
      continue;
    }
    files.max_seq = std::max(files.max_seq, header->seq);
    const bool right_size = file.size() == options.file_size;
    if (header->state == FileState::free) {
      std::error_code rm;
      if (right_size) files.free.push_back(std::move(file));
      else fs::remove(entry.path(), rm);  // a free file of another size is of no use
      continue;
    }
    if (!right_size) {
      log.log(log_codes::kWrongSize, entry.path().string(), file.size(), options.file_size);
      files.wrong_size.insert(header->seq);
    }
    data.push_back(Candidate{header->seq, std::move(file)});
  }
  if (ec) return errc::bad_directory;
  std::sort(data.begin(), data.end(), [](auto& a, auto& b) { return a.seq < b.seq; });

  LoadBuilder builder;
  result.dropped_tail_bytes = 0;
  std::vector<std::uint8_t> bytes;
  for (auto& c : data) {
    if (auto read_ec = c.file.read_all(bytes); read_ec) return read_ec;
    index.add_file(c.seq);
    const auto end = scan_file(bytes, c.seq, [&](const RecordView& r, Loc loc) {
      builder.apply(r);
      apply_to_index(index, r, loc);
    });
    if (end.status == Decode::torn) {
      result.dropped_tail_bytes += end.dropped;
      log.log(log_codes::kTornTail, c.file.path().string(), c.seq, end.dropped, end.offset, end.why);
    }
    if (c.file.size() == options.file_size) {
      const auto tail = std::span<const std::uint8_t>(bytes).subspan(end.offset);
      const auto last = std::find_if(tail.rbegin(), tail.rend(), [](auto b) { return b != 0; });
      const auto dirty = static_cast<std::uint64_t>(tail.rend() - last);
      files.tails[c.seq] = FileTail{end.offset, end.offset + dirty};
    }
    files.data.emplace(c.seq, std::move(c.file));
  }
  std::vector<std::pair<std::uint64_t, std::size_t>> discarded;
  builder.finish(result, discarded);
  for (const auto& [tx_id, count] : discarded) log.log(log_codes::kTxDiscarded, tx_id, count);
  index.drop_unprepared();
  return {};
}

}  // namespace artemis::journal
