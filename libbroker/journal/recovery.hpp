#pragma once
// Load: finish an interrupted compaction, open every journal file, order data files by their
// header sequence, replay them record by record into the index and the caller's LoadResult.
// Within a file the scan stops at the first record that does not validate (torn, damaged or
// stale) and logs what it dropped; the next file is still read. Never trusts a length or an id
// it has not checked, so any byte pattern is safe.
// Thread: the thread calling Journal::load().
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "journal/index.hpp"
#include "journal/journal.hpp"
#include "journal/journal_file.hpp"
#include "journal/record_format.hpp"
#include "util/log.hpp"

namespace artemis::journal {

struct ScanEnd {
  Decode status = Decode::end_zero;  // end_zero / stale: clean end; torn: something was dropped
  std::uint64_t offset = 0;          // where the scan stopped
  std::size_t dropped = 0;
  std::string why;
};
// Calls on_record for each valid record of file `seq` (bytes = the whole file) in order.
ScanEnd scan_file(std::span<const std::uint8_t> bytes, std::uint64_t seq,
                  const std::function<void(const RecordView&, Loc)>& on_record);

// Where a data file's valid records end, and where the non-zero bytes after them (a torn
// batch, records of an earlier incarnation) end: [end, dirty_end) must be zeroed before
// anything is appended at `end`.
struct FileTail {
  std::uint64_t end = 0;
  std::uint64_t dirty_end = 0;
};

struct RecoveredFiles {
  std::map<std::uint64_t, JournalFile> data;  // seq -> open file holding records
  std::vector<JournalFile> free;              // right-sized files ready for reuse
  std::set<std::uint64_t> wrong_size;         // data files never to reuse
  std::map<std::uint64_t, FileTail> tails;    // right-sized data files only
  std::uint64_t max_seq = 0;                  // highest sequence in any header
  std::uint64_t next_name = 1;                // next <n> for a new file name
};

std::error_code recover(const Options& options, const util::Logger& log, Index& index,
                        LoadResult& result, RecoveredFiles& files);

}  // namespace artemis::journal
