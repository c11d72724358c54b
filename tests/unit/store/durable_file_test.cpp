#include "store/durable_file.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("store: a file written durably holds the new contents and leaves no temporary file") {
  artemis::test_support::TempDir dir("artemis-unit-durable");
  const auto file = dir.path() / "address.txt";
  REQUIRE_FALSE(artemis::store::write_file_durably(file, "orders\n"));
  CHECK(read_all(file) == "orders\n");
  REQUIRE_FALSE(artemis::store::write_file_durably(file, "x"));
  CHECK(read_all(file) == "x");
  CHECK_FALSE(fs::exists(dir.path() / "address.txt.tmp"));
  // A directory that is not there: an error, never a crash or a half-written file.
  CHECK(artemis::store::write_file_durably(dir.path() / "missing" / "address.txt", "y"));
}
