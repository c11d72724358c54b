#include "journal/crc32c.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

using namespace artemis::journal;

TEST_CASE("journal: crc32c matches the published check value") {
  const std::string check = "123456789";
  CHECK(crc32c_extend(0, check.data(), check.size()) == 0xE3069283u);
  CHECK(crc32c_extend_portable(0, check.data(), check.size()) == 0xE3069283u);
}

TEST_CASE("journal: crc32c hardware and table paths agree and extend incrementally") {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<unsigned char> data(rng() % 3000);
    for (auto& b : data) b = static_cast<unsigned char>(rng());
    const auto whole = crc32c_extend(0, data.data(), data.size());
    CHECK(whole == crc32c_extend_portable(0, data.data(), data.size()));
    const auto cut = data.empty() ? 0 : rng() % data.size();
    const auto first = crc32c_extend(0, data.data(), cut);
    CHECK(crc32c_extend(first, data.data() + cut, data.size() - cut) == whole);
  }
}
