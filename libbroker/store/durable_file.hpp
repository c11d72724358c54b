#pragma once
// Files written so that what depends on them can be confirmed: a file's bytes reach the disk
// with fdatasync, but its name lives in its directory, which a power cut can roll back unless
// the directory is synced too (journal::sync_directory).
#include <cstddef>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace artemis::store {

// Writes all `size` bytes at the descriptor's position, retrying short writes and EINTR.
std::error_code write_all(int fd, const void* data, std::size_t size);

// Writes `contents` to `path` so that after a crash the file holds either its old contents or
// all of the new (a synced temporary file renamed over it), and syncs `path`'s directory.
std::error_code write_file_durably(const std::filesystem::path& path, std::string_view contents);

}  // namespace artemis::store
