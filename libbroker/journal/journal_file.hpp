#pragma once
// File-level operations on one journal file: names, creation (pre-allocated and zero-filled
// through a .tmp + rename so a crash never leaves a half-made file under a journal name),
// header rewrite, positioned writes and syncs. Used by the journal thread and by load/compact;
// a JournalFile is owned by one thread at a time. Writes and syncs go through the FileIo it was
// created or opened with (the kernel unless a test injects faults); that FileIo must outlive it.
#include <sys/uio.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "journal/file_io.hpp"
#include "journal/journal.hpp"
#include "journal/record_format.hpp"

namespace artemis::journal {

// <prefix>-<n>.<extension>
std::string file_name(const std::string& prefix, const std::string& extension, std::uint64_t n);
// n if `name` is <prefix>-<n>.<extension>.
std::optional<std::uint64_t> parse_file_name(const std::string& name, const std::string& prefix,
                                             const std::string& extension);

// fsync of a directory, so a create/rename/unlink in it is durable.
std::error_code sync_directory(const std::filesystem::path& dir, FileIo& io = real_file_io());
// ENOSPC, EFBIG and EDQUOT become errc::disk_full, other errno values errc::io_error.
std::error_code classify_errno(int err);

class JournalFile {
 public:
  JournalFile() = default;
  JournalFile(JournalFile&& other) noexcept;
  JournalFile& operator=(JournalFile&& other) noexcept;
  JournalFile(const JournalFile&) = delete;
  JournalFile& operator=(const JournalFile&) = delete;
  ~JournalFile();

  // Creates `path` of `size` bytes: writes zeros to path.tmp, a free header with `seq`, syncs,
  // renames and syncs the directory. The zero fill (not fallocate alone) matters: later
  // fdatasync calls then never need to update extent metadata. With `durable` no the syncs
  // are skipped (journal-datasync=false promises nothing across a power loss). On failure
  // nothing is left on disk, neither path.tmp nor path.
  static std::error_code create(const std::filesystem::path& path, std::uint64_t size,
                                std::uint64_t seq, Sync durable, JournalFile& out,
                                FileIo& io = real_file_io());
  static std::error_code open(const std::filesystem::path& path, JournalFile& out,
                              FileIo& io = real_file_io());

  // Whole-file read (load and compaction read sealed files only).
  std::error_code read_all(std::vector<std::uint8_t>& out) const;
  std::error_code read_at(std::uint64_t offset, std::span<std::uint8_t> out) const;
  // Writes every byte of iov at offset (retries partial writes).
  std::error_code write_at(std::uint64_t offset, std::span<const iovec> iov) const;
  std::error_code write_header(const FileHeader& header) const;  // no sync
  std::error_code datasync() const;
  void close();

  const std::filesystem::path& path() const { return path_; }
  std::uint64_t size() const { return size_; }
  bool is_open() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
  FileIo* io_ = &real_file_io();
  std::filesystem::path path_;
  std::uint64_t size_ = 0;
};

}  // namespace artemis::journal
