#pragma once
// Compaction, the copy step. Thread: a compactor thread started by JournalImpl once every
// sealed file is durable. Reads the sealed files (nobody writes or frees them meanwhile),
// replays them, and writes the records that were live at the snapshot, in replay order, into
// new files named <name>.cmp carrying the sequences reserved just below the new current file.
// Committed transactional records become plain adds/updates; open transactions are copied
// as they are. Ends by writing the commit marker; on failure removes its output.
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include "journal/index.hpp"
#include "journal/journal.hpp"
#include "util/log.hpp"

namespace artemis::journal {

struct CompactionJob {
  Options options;
  std::vector<std::uint64_t> sealed;          // sequences being compacted, ascending
  std::vector<std::uint64_t> reserved;        // sequences for the output, ascending
  std::uint64_t first_name = 0;               // reserved file names first_name .. + reserved.size()
  std::set<std::pair<std::uint64_t, std::uint32_t>> live;  // (seq, offset) live at the snapshot
};

struct CompactionOutput {
  std::error_code ec;
  std::map<std::pair<std::uint64_t, std::uint32_t>, Loc> moved;  // old (seq, offset) -> copy
  std::vector<std::pair<std::uint64_t, std::filesystem::path>> files;  // seq, final path
  std::size_t records = 0;
};

CompactionOutput run_compaction(const CompactionJob& job, const util::Logger& log);

}  // namespace artemis::journal
