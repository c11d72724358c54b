#include "journal/compact_marker.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "journal/crc32c.hpp"
#include "journal/journal_file.hpp"
#include "journal/log_codes.hpp"

namespace artemis::journal {
namespace fs = std::filesystem;

fs::path marker_path(const fs::path& dir, const std::string& prefix) {
  return dir / (prefix + "-compact.ctr");
}

std::error_code write_marker(const fs::path& dir, const std::string& prefix,
                             const CompactMarker& marker) {
  std::ostringstream body;
  for (const auto& [name, seq] : marker.old_files) body << "old " << name << ' ' << seq << '\n';
  for (const auto& name : marker.new_files) body << "new " << name << ".cmp\n";
  const auto text = body.str();
  char crc[32];
  std::snprintf(crc, sizeof crc, "crc %08x\n", crc32c_extend(0, text.data(), text.size()));
  const auto path = marker_path(dir, prefix);
  auto tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text << crc;
    out.flush();
    if (!out) return std::make_error_code(std::errc::io_error);
  }
  JournalFile f;
  if (auto ec = JournalFile::open(tmp, f); ec) return ec;
  if (auto ec = f.datasync(); ec) return ec;
  f.close();
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return ec;
  return sync_directory(dir);
}

std::error_code remove_marker(const fs::path& dir, const std::string& prefix) {
  std::error_code ec;
  fs::remove(marker_path(dir, prefix), ec);
  if (ec) return ec;
  return sync_directory(dir);
}

namespace {

bool parse_marker(const fs::path& path, CompactMarker& out) {
  std::ifstream in(path, std::ios::binary);
  std::string text, line;
  while (std::getline(in, line)) {
    if (line.rfind("crc ", 0) == 0) {
      const auto want = std::strtoul(line.c_str() + 4, nullptr, 16);
      return want == crc32c_extend(0, text.data(), text.size());
    }
    text += line + '\n';
    std::istringstream fields(line);
    std::string kind, name;
    fields >> kind >> name;
    if (kind == "old") {
      std::uint64_t seq = 0;
      if (!(fields >> seq)) return false;
      out.old_files.emplace_back(name, seq);
    } else if (kind == "new" && name.size() > 4 && name.ends_with(".cmp")) {
      out.new_files.push_back(name.substr(0, name.size() - 4));
    } else {
      return false;
    }
  }
  return false;  // no CRC line: never completed
}

}  // namespace

std::error_code finish_interrupted_compaction(const fs::path& dir, const std::string& prefix,
                                              const std::string& extension,
                                              const util::Logger& log) {
  const auto path = marker_path(dir, prefix);
  std::error_code ec;
  if (fs::exists(path, ec)) {
    CompactMarker marker;
    if (parse_marker(path, marker)) {
      for (const auto& [name, seq] : marker.old_files) {
        JournalFile f;
        if (JournalFile::open(dir / name, f)) continue;
        std::vector<std::uint8_t> head(kFileHeaderSize);
        std::string why;
        // A structured binding is captured by copy under its own name: clang 14 cannot capture
        // one directly.
        const bool same = !f.read_at(0, head) && [&, want = seq] {
          auto h = decode_file_header(head, why);
          return h && h->seq == want && h->state == FileState::data;
        }();
        f.close();
        if (same) fs::remove(dir / name, ec);
      }
      for (const auto& name : marker.new_files) {
        auto cmp = dir / (name + ".cmp");
        if (fs::exists(cmp, ec)) fs::rename(cmp, dir / name, ec);
        if (ec) return ec;
      }
      if (auto sync_ec = sync_directory(dir); sync_ec) return sync_ec;
      log.log(log_codes::kCompactReplayed, path.string());
    }
    fs::remove(path, ec);
  }
  // Leftovers: files being created (.tmp) and uncommitted compaction output (.cmp).
  bool removed = false;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto name = entry.path().filename().string();
    if (name.rfind(prefix + "-", 0) != 0) continue;
    if (name.ends_with("." + extension + ".tmp") || name.ends_with("." + extension + ".cmp") ||
        name.ends_with("." + extension + ".cmp.tmp") ||
        name == path.filename().string() + ".tmp") {
      std::error_code rm;
      removed |= fs::remove(entry.path(), rm);
    }
  }
  if (ec) return ec;
  return removed ? sync_directory(dir) : std::error_code{};
}

}  // namespace artemis::journal
