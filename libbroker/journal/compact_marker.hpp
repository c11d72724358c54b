#pragma once
// The compaction commit marker, <prefix>-compact.ctr. Its existence is the commit point of a
// compaction: before it is durable the old files are the truth (load deletes the .cmp output);
// once it is durable the new files are (load finishes the swap from the marker).
// Text, one entry per line, closed by a CRC line so a damaged marker is recognised:
//   old <file name> <file sequence>
//   new <file name>.cmp
//   crc <CRC32C of the preceding lines, hex>
// Written as .tmp, fsynced, renamed, directory fsynced.
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "util/log.hpp"

namespace artemis::journal {

struct CompactMarker {
  std::vector<std::pair<std::string, std::uint64_t>> old_files;  // name, seq it had
  std::vector<std::string> new_files;                            // final names (without .cmp)
};

std::filesystem::path marker_path(const std::filesystem::path& dir, const std::string& prefix);
std::error_code write_marker(const std::filesystem::path& dir, const std::string& prefix,
                             const CompactMarker& marker);
std::error_code remove_marker(const std::filesystem::path& dir, const std::string& prefix);
// At load: finishes a committed compaction if a valid marker exists (deleting each listed old
// file only while its header still carries the listed sequence, renaming each .cmp that still
// exists), then removes the marker and every leftover .tmp and .cmp file of this journal.
std::error_code finish_interrupted_compaction(const std::filesystem::path& dir,
                                              const std::string& prefix,
                                              const std::string& extension,
                                              const util::Logger& log);

}  // namespace artemis::journal
