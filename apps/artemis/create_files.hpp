#pragma once
// Writing the files of a new instance: refuses to replace an existing file unless --force,
// writes through a temporary file and a rename so an interrupted create never leaves half a
// broker.xml, and marks scripts executable.
#include <filesystem>
#include <string_view>

namespace artemis::cli {

enum class Overwrite { no, yes };
enum class FileMode { regular, executable };

// Throws CreateError ("The file '<path>' already exists.  Use --force to overwrite.", or the
// I/O failure with the path) when the file cannot be written.
void write_instance_file(const std::filesystem::path& path, std::string_view content,
                         Overwrite overwrite, FileMode mode);

// mkdir -p; throws CreateError naming the directory on failure.
void make_directory(const std::filesystem::path& dir);

}  // namespace artemis::cli
