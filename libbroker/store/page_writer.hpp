#pragma once
// PageWriter: the thread that puts page records on disk, with group commit as the journal's
// writer does (reference §5.4): it takes everything queued since its last round, appends it to
// the page files, runs one fdatasync per file that a synced record went to (and one fsync of
// the directory of a file it has not synced before, so the new file's name survives a crash
// too), then posts the round's completions, in queue order, in one call to the poster.
//
// Failures, as the writer was made:
//   Failures::stop  the first failed write or sync fails that round's completions with the
//                   cause and every later append with the same error: nothing written after a
//                   failure is ever confirmed (page files: their order matters).
//   Failures::per_file  only the appends to the file that failed fail, that one and every later
//                   one to the same file; other files go on (large message bodies: each file
//                   stands alone, and a full disk must fail one upload, not the broker).
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "journal/journal.hpp"

namespace artemis::store {

enum class Failures { stop, per_file };

// An open page file, append-only. Closed when the writer and its store both let go of it.
class PageFile {
 public:
  // Creates the file (or opens it to append).
  static std::shared_ptr<PageFile> open(const std::filesystem::path& path, std::error_code& ec);
  ~PageFile();
  PageFile(const PageFile&) = delete;
  PageFile& operator=(const PageFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  friend class PageWriter;
  PageFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_;
  bool directory_synced_ = false;  // writer thread only
  std::error_code failed_;         // writer thread only (Failures::per_file)
};

class PageWriter {
 public:
  explicit PageWriter(journal::Poster post, bool datasync = true,
                      Failures failures = Failures::stop);
  // Writes what is queued, then stops.
  ~PageWriter();
  PageWriter(const PageWriter&) = delete;
  PageWriter& operator=(const PageWriter&) = delete;

  // Any thread. `done` runs through the poster once the bytes are written, and synced when
  // `sync` (and datasync is on).
  void append(std::shared_ptr<PageFile> file, std::vector<std::uint8_t> bytes, bool sync,
              journal::Completion done);

 private:
  struct Item {
    std::shared_ptr<PageFile> file;
    std::vector<std::uint8_t> bytes;
    bool sync;
    journal::Completion done;
  };
  void run();
  std::error_code write_round(std::vector<Item>& items);
  // Failures::per_file: each item's outcome is its file's.
  void write_round_per_file(std::vector<Item>& items);

  journal::Poster post_;
  const bool datasync_;
  const Failures failures_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Item> queue_;
  bool stopping_ = false;
  std::error_code failed_;  // writer thread only
  std::thread thread_;
};

}  // namespace artemis::store
