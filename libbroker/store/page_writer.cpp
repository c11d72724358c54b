#include "store/page_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "journal/journal_file.hpp"
#include "store/durable_file.hpp"

namespace artemis::store {
namespace {

std::error_code errno_code(int e) {
  return {e, std::generic_category()};
}

}  // namespace

std::shared_ptr<PageFile> PageFile::open(const std::filesystem::path& path, std::error_code& ec) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    ec = errno_code(errno);
    return nullptr;
  }
  ec.clear();
  return std::shared_ptr<PageFile>(new PageFile(path, fd));
}

PageFile::~PageFile() {
  ::close(fd_);
}

PageWriter::PageWriter(journal::Poster post, bool datasync, Failures failures)
    : post_(std::move(post)),
      datasync_(datasync),
      failures_(failures),
      thread_([this] { run(); }) {}

PageWriter::~PageWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void PageWriter::append(std::shared_ptr<PageFile> file, std::vector<std::uint8_t> bytes, bool sync,
                        journal::Completion done) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    wake = queue_.empty();
    queue_.push_back(Item{std::move(file), std::move(bytes), sync, std::move(done)});
  }
  if (wake) wake_.notify_one();
}

void PageWriter::run() {
  std::vector<Item> round;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      round.swap(queue_);
    }
    std::error_code ec;
    if (failures_ == Failures::stop)
      ec = write_round(round);
    else
      write_round_per_file(round);
    using Done = std::pair<journal::Completion, std::error_code>;
    auto completions = std::make_shared<std::vector<Done>>();
    completions->reserve(round.size());
    for (auto& item : round)
      if (item.done) completions->emplace_back(std::move(item.done), ec ? ec : item.file->failed_);
    round.clear();  // lets go of files whose store has closed them
    if (!completions->empty())
      post_([completions] {
        for (auto& [done, error] : *completions) done(error);
      });
  }
}

std::error_code PageWriter::write_round(std::vector<Item>& items) {
  if (failed_) return failed_;
  std::vector<PageFile*> to_sync;
  for (auto& item : items) {
    if (auto ec = write_all(item.file->fd_, item.bytes.data(), item.bytes.size()))
      return failed_ = ec;
    if (item.sync && datasync_ &&
        std::find(to_sync.begin(), to_sync.end(), item.file.get()) == to_sync.end())
      to_sync.push_back(item.file.get());
  }
  for (PageFile* f : to_sync) {
    if (::fdatasync(f->fd_) != 0) return failed_ = errno_code(errno);
    if (!f->directory_synced_) {
      if (auto ec = journal::sync_directory(f->path_.parent_path())) return failed_ = ec;
      f->directory_synced_ = true;
    }
  }
  return {};
}

void PageWriter::write_round_per_file(std::vector<Item>& items) {
  std::vector<PageFile*> to_sync;
  for (auto& item : items) {
    PageFile& f = *item.file;
    if (f.failed_) continue;
    if (auto ec = write_all(f.fd_, item.bytes.data(), item.bytes.size())) {
      f.failed_ = ec;
      continue;
    }
    if (item.sync && datasync_ && std::find(to_sync.begin(), to_sync.end(), &f) == to_sync.end())
      to_sync.push_back(&f);
  }
  for (PageFile* f : to_sync) {
    if (f->failed_) continue;
    if (::fdatasync(f->fd_) != 0) {
      f->failed_ = errno_code(errno);
      continue;
    }
    if (!f->directory_synced_) {
      if (auto ec = journal::sync_directory(f->path_.parent_path()))
        f->failed_ = ec;
      else
        f->directory_synced_ = true;
    }
  }
}

}  // namespace artemis::store
