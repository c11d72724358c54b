#pragma once
// Shared builders for the journal unit tests: a completion loop standing in for the broker's
// io_context, journal options and record payloads.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "journal/journal.hpp"
#include "support/manual_scheduler.hpp"
#include "support/temp_dir.hpp"
#include "util/log.hpp"

namespace artemis::journal::test {

using test_support::TempDir;

// The broker's io_context for journal tests: completions posted by the journal thread run on
// the test thread, in post order. Real disk work on a loaded machine can take a while, hence
// the long deadline.
class Loop : public test_support::ManualScheduler {
 public:
  Loop() : ManualScheduler({.wait_limit = std::chrono::seconds(30)}) {}
};

inline util::Logger& quiet_logger() {
  static util::Logger logger(stderr, util::Level::error);  // immutable after construction
  return logger;
}

inline Options small_options(const std::filesystem::path& dir, std::uint64_t file_size = 4096) {
  Options o;
  o.directory = dir;
  o.file_size = file_size;
  o.min_files = 2;
  o.pool_files = 4;
  o.datasync = false;
  return o;
}

// Waits for everything appended so far; returns the flush's error.
inline std::error_code flush(Journal& j, Loop& loop) {
  bool done = false;
  std::error_code result;
  j.flush([&](std::error_code ec) {
    result = ec;
    done = true;
  });
  REQUIRE(loop.run_until([&] { return done; }));
  return result;
}

// Every entry of `dir`, sorted by path.
inline std::vector<std::filesystem::path> dir_entries(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

inline std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

inline std::vector<std::uint8_t> random_bytes(std::mt19937_64& rng, std::size_t n) {
  std::vector<std::uint8_t> out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

}  // namespace artemis::journal::test
