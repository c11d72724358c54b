#pragma once
// Shared builders for the journal unit tests: a temporary directory, a single-threaded
// completion loop standing in for the broker's io_context, and an opened journal.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "journal/journal.hpp"
#include "util/log.hpp"

namespace artemis::journal::test {

class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "journal-test-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Completions posted by the journal thread run here, on the test thread, in post order.
class Loop {
 public:
  Poster poster() {
    return [this](std::function<void()> fn) {
      {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(fn));
      }
      cv_.notify_one();
    };
  }
  // Runs posted work until pred() holds; false after `limit`.
  bool run_until(const std::function<bool()>& pred,
                 std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        if (!cv_.wait_until(lock, deadline, [&] { return !queue_.empty(); })) return pred();
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
    return true;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
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

inline std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

inline std::vector<std::uint8_t> random_bytes(std::mt19937_64& rng, std::size_t n) {
  std::vector<std::uint8_t> out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

}  // namespace artemis::journal::test
