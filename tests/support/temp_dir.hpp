#pragma once
// TempDir: a fresh directory under the system temp directory, removed with everything in it
// when the TempDir goes out of scope.
#include <filesystem>
#include <string_view>

namespace artemis::test_support {

class TempDir {
 public:
  // `name` starts the directory's name, to tell leftovers of a crashed test apart.
  explicit TempDir(std::string_view name = "artemis-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Absolute and canonical (no symlinks), as the code under test would resolve it.
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace artemis::test_support
