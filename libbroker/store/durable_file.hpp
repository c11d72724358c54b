#pragma once
// Files and directory entries made durable before anything that depends on them is confirmed:
// a file's bytes reach the disk with fdatasync, but its name lives in its directory, which a
// power cut can roll back unless the directory is synced too.
#include <filesystem>
#include <string_view>
#include <system_error>

namespace artemis::store {

// fsync of a directory: the names created, renamed or linked in it so far survive a power cut.
std::error_code sync_directory(const std::filesystem::path& dir);

// Writes `contents` to `path` so that after a crash the file holds either its old contents or
// all of the new (a synced temporary file renamed over it), and syncs `path`'s directory.
std::error_code write_file_durably(const std::filesystem::path& path, std::string_view contents);

}  // namespace artemis::store
