#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <string>
#include <system_error>

namespace artemis::test_support {

TempDir::TempDir(std::string_view name) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / (std::string(name) + "-XXXXXX")).string();
  REQUIRE_MESSAGE(::mkdtemp(pattern.data()) != nullptr, "cannot create a directory like ", pattern);
  path_ = std::filesystem::canonical(pattern);
}

TempDir::~TempDir() {
  std::error_code ignored;  // a leftover directory must not fail the test that used it
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace artemis::test_support
