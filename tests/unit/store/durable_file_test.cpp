#include "store/durable_file.hpp"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

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
  char tmpl[] = "/tmp/artemis-unit-durable-XXXXXX";
  const fs::path dir = ::mkdtemp(tmpl);
  const auto file = dir / "address.txt";
  REQUIRE_FALSE(artemis::store::write_file_durably(file, "orders\n"));
  CHECK(read_all(file) == "orders\n");
  REQUIRE_FALSE(artemis::store::write_file_durably(file, "x"));
  CHECK(read_all(file) == "x");
  CHECK_FALSE(fs::exists(dir / "address.txt.tmp"));
  CHECK_FALSE(artemis::store::sync_directory(dir));
  // A directory that is not there: an error, never a crash or a half-written file.
  CHECK(artemis::store::write_file_durably(dir / "missing" / "address.txt", "y"));
  CHECK(artemis::store::sync_directory(dir / "missing"));
  fs::remove_all(dir);
}
