#include "core/large_upload.hpp"

#include <algorithm>
#include <utility>

namespace artemis::core {

LargeUpload::LargeUpload(std::shared_ptr<store::LargeBody> body,
                         std::shared_ptr<store::PageFile> file, store::PageWriter& writer,
                         std::function<void(std::error_code)> failed)
    : body_(std::move(body)),
      file_(std::move(file)),
      writer_(writer),
      on_failure_(std::move(failed)) {}

void LargeUpload::append(std::string_view bytes) {
  size_ += bytes.size();
  progress_->unwritten += bytes.size();
  while (!bytes.empty()) {
    if (gathered_.capacity() < kWriteBytes) gathered_.reserve(kWriteBytes);
    const auto n = std::min(bytes.size(), kWriteBytes - gathered_.size());
    gathered_.insert(gathered_.end(), bytes.begin(),
                     bytes.begin() + static_cast<std::ptrdiff_t>(n));
    bytes.remove_prefix(n);
    if (gathered_.size() == kWriteBytes) write(false, nullptr);
  }
}

std::size_t LargeUpload::unwritten() const {
  return progress_->unwritten;
}

void LargeUpload::when_written(std::size_t bytes, std::function<void()> fn) {
  if (progress_->unwritten <= bytes) return fn();
  progress_->wake_at = bytes;
  progress_->waiter = std::move(fn);
}

void LargeUpload::write(bool sync, std::function<void(std::error_code)> done) {
  const auto n = gathered_.size();
  std::vector<std::uint8_t> bytes;
  bytes.swap(gathered_);
  // The completion holds the progress only: it may run after the upload was dropped.
  writer_.append(
      file_, std::move(bytes), sync,
      [progress = progress_, n, failed = on_failure_, done = std::move(done)](std::error_code ec) {
        progress->unwritten -= std::min(n, progress->unwritten);
        if (ec && !progress->failed) {
          progress->failed = ec;
          failed(ec);
        }
        if (progress->waiter && progress->unwritten <= progress->wake_at)
          std::exchange(progress->waiter, nullptr)();
        if (done) done(progress->failed);
      });
}

void LargeUpload::finish(Finished done) {
  body_->set_size(size_);
  write(true, [body = body_, done = std::move(done)](std::error_code ec) {
    done(ec, ec ? nullptr : body);
  });
}

}  // namespace artemis::core
