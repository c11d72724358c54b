#include "journal/compactor.hpp"

#include <optional>
#include <unordered_map>

#include "journal/compact_marker.hpp"
#include "journal/errors.hpp"
#include "journal/journal_file.hpp"
#include "journal/recovery.hpp"

namespace artemis::journal {
namespace fs = std::filesystem;

namespace {

struct Item {
  RecordType type;
  std::uint8_t user_type;
  std::uint64_t id;
  std::uint64_t tx_id;
  std::vector<std::uint8_t> payload;
  Loc old;
};

// Replays the sealed files like a load, keeping each surviving record with its location.
class Replay {
 public:
  void apply(const RecordView& r, Loc loc) {
    Item item{r.type, r.user_type, r.id, r.tx_id, {r.payload.begin(), r.payload.end()}, loc};
    switch (r.type) {
      case RecordType::add: add(std::move(item)); break;
      case RecordType::update: update(std::move(item)); break;
      case RecordType::del: remove(r.id); break;
      case RecordType::add_tx:
      case RecordType::update_tx:
      case RecordType::delete_tx:
        if (txs_.try_emplace(r.tx_id).second) tx_order_.push_back(r.tx_id);
        txs_[r.tx_id].ops.push_back(std::move(item));
        break;
      case RecordType::prepare:
        if (txs_.try_emplace(r.tx_id).second) tx_order_.push_back(r.tx_id);
        txs_[r.tx_id].prepare = std::move(item);
        break;
      case RecordType::commit: {
        auto it = txs_.find(r.tx_id);
        if (it == txs_.end()) break;
        for (auto& op : it->second.ops) {
          if (op.type == RecordType::add_tx) add(std::move(op));
          else if (op.type == RecordType::update_tx) update(std::move(op));
          else remove(op.id);
        }
        txs_.erase(it);
        break;
      }
      case RecordType::rollback: txs_.erase(r.tx_id); break;
    }
  }

  // Live plain records in effect order, then open transactions' records.
  std::vector<Item> take() {
    std::vector<Item> out;
    for (auto& e : entries_) {
      if (!e) continue;
      if (e->type == RecordType::add_tx) e->type = RecordType::add;
      if (e->type == RecordType::update_tx) e->type = RecordType::update;
      out.push_back(std::move(*e));
    }
    for (auto tx_id : tx_order_) {
      auto it = txs_.find(tx_id);
      if (it == txs_.end()) continue;
      for (auto& op : it->second.ops) out.push_back(std::move(op));
      if (it->second.prepare) out.push_back(std::move(*it->second.prepare));
    }
    return out;
  }

 private:
  struct Tx {
    std::vector<Item> ops;
    std::optional<Item> prepare;
  };
  void add(Item item) {
    remove(item.id);
    live_[item.id].push_back(entries_.size());
    entries_.emplace_back(std::move(item));
  }
  void update(Item item) {
    auto it = live_.find(item.id);
    if (it == live_.end()) return;
    it->second.push_back(entries_.size());
    entries_.emplace_back(std::move(item));
  }
  void remove(std::uint64_t id) {
    auto it = live_.find(id);
    if (it == live_.end()) return;
    for (auto i : it->second) entries_[i].reset();
    live_.erase(it);
  }

  std::vector<std::optional<Item>> entries_;
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> live_;
  std::unordered_map<std::uint64_t, Tx> txs_;
  std::vector<std::uint64_t> tx_order_;
};

// Sequence -> path of each data file, read from the headers.
std::error_code find_files(const Options& o, std::map<std::uint64_t, fs::path>& out) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(o.directory, ec)) {
    if (!parse_file_name(entry.path().filename().string(), o.prefix, o.extension)) continue;
    JournalFile f;
    if (JournalFile::open(entry.path(), f)) continue;
    std::vector<std::uint8_t> head(kFileHeaderSize);
    std::string why;
    if (f.read_at(0, head)) continue;
    if (auto h = decode_file_header(head, why); h && h->state == FileState::data) {
      out[h->seq] = entry.path();
    }
  }
  return ec;
}

class Writer {
 public:
  Writer(const CompactionJob& job, CompactionOutput& out) : job_(job), out_(out) {}

  std::error_code write(const Item& item) {
    const RecordView r{item.type, item.user_type, item.id, item.tx_id, item.payload};
    const auto size = encoded_size(item.type, item.payload.size());
    if (buffer_.empty() || buffer_.size() + size > job_.options.file_size) {
      if (auto ec = finish_file(); ec) return ec;
      if (out_.files.size() == job_.reserved.size()) return errc::compaction_failed;
      seq_ = job_.reserved[out_.files.size()];
      const auto name = file_name(job_.options.prefix, job_.options.extension,
                                  job_.first_name + out_.files.size());
      out_.files.emplace_back(seq_, job_.options.directory / name);
      buffer_.assign(kFileHeaderSize, 0);
      encode_file_header(FileHeader{seq_, FileState::data, job_.options.file_size}, buffer_.data());
    }
    const auto offset = static_cast<std::uint32_t>(buffer_.size());
    buffer_.resize(buffer_.size() + size);
    encode_record(r, seq_, buffer_.data() + offset);
    out_.moved[{item.old.seq, item.old.offset}] = Loc{seq_, offset, size};
    ++out_.records;
    return {};
  }

  std::error_code finish_file() {
    if (buffer_.empty()) return {};
    auto cmp = out_.files.back().second;
    cmp += ".cmp";
    JournalFile f;
    const auto durable = job_.options.datasync ? Sync::yes : Sync::no;
    if (auto ec = JournalFile::create(cmp, job_.options.file_size, 0, durable, f,
                                      file_io(job_.options));
        ec) {
      return ec;
    }
    iovec iov{buffer_.data(), buffer_.size()};
    if (auto ec = f.write_at(0, std::span<const iovec>(&iov, 1)); ec) return ec;
    if (job_.options.datasync) {
      if (auto ec = f.datasync(); ec) return ec;
    }
    buffer_.clear();
    return {};
  }

 private:
  const CompactionJob& job_;
  CompactionOutput& out_;
  std::vector<std::uint8_t> buffer_;
  std::uint64_t seq_ = 0;
};

}  // namespace

CompactionOutput run_compaction(const CompactionJob& job, const util::Logger& log) {
  (void)log;
  CompactionOutput out;
  std::map<std::uint64_t, fs::path> paths;
  auto fail = [&](std::error_code ec) {
    for (const auto& [seq, path] : out.files) {
      std::error_code ignored;
      auto cmp = path;
      cmp += ".cmp";
      fs::remove(cmp, ignored);
    }
    out.files.clear();
    out.moved.clear();
    out.ec = ec;
    return out;
  };
  if (auto ec = find_files(job.options, paths); ec) return fail(ec);
  Replay replay;
  std::vector<std::uint8_t> bytes;
  CompactMarker marker;
  for (auto seq : job.sealed) {
    auto it = paths.find(seq);
    if (it == paths.end()) return fail(errc::compaction_failed);
    JournalFile f;
    if (auto ec = JournalFile::open(it->second, f); ec) return fail(ec);
    if (auto ec = f.read_all(bytes); ec) return fail(ec);
    scan_file(bytes, seq, [&](const RecordView& r, Loc loc) { replay.apply(r, loc); });
    marker.old_files.emplace_back(it->second.filename().string(), seq);
  }
  Writer writer(job, out);
  for (const auto& item : replay.take()) {
    if (job.live.count({item.old.seq, item.old.offset}) == 0) continue;
    if (auto ec = writer.write(item); ec) return fail(ec);
  }
  if (auto ec = writer.finish_file(); ec) return fail(ec);
  if (out.moved.size() != job.live.size()) return fail(errc::compaction_failed);
  for (const auto& [seq, path] : out.files) marker.new_files.push_back(path.filename().string());
  // The commit point: from here on a load finishes this compaction.
  if (auto ec = write_marker(job.options.directory, job.options.prefix, marker); ec) return fail(ec);
  return out;
}

}  // namespace artemis::journal
