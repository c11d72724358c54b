#include "net/output_queue.hpp"

#include <algorithm>
#include <cstring>

namespace artemis::net {

OutputQueue::Block OutputQueue::take_block() {
  if (spare_.empty()) return Block{std::make_unique_for_overwrite<char[]>(kBlockBytes), 0};
  Block b = std::move(spare_.back());
  spare_.pop_back();
  b.used = 0;
  return b;
}

void OutputQueue::append(std::string_view bytes) {
  size_ += bytes.size();
  while (!bytes.empty()) {
    if (blocks_.empty() || blocks_.back().used == kBlockBytes) blocks_.push_back(take_block());
    Block& tail = blocks_.back();
    const std::size_t n = std::min(bytes.size(), kBlockBytes - tail.used);
    std::memcpy(tail.data.get() + tail.used, bytes.data(), n);
    tail.used += n;
    bytes.remove_prefix(n);
  }
}

const std::vector<asio::const_buffer>& OutputQueue::gather() {
  gather_.clear();
  std::size_t skip = head_;
  for (const Block& b : blocks_) {
    if (gather_.size() == kMaxGather) break;
    if (b.used > skip) gather_.emplace_back(b.data.get() + skip, b.used - skip);
    skip = 0;
  }
  return gather_;
}

void OutputQueue::consume(std::size_t n) {
  n = std::min(n, size_);
  size_ -= n;
  head_ += n;
  while (!blocks_.empty() && head_ > 0 && head_ >= blocks_.front().used) {
    Block& front = blocks_.front();
    // The tail block, written out, stays the tail: the next append starts it again.
    if (blocks_.size() == 1 && head_ == front.used) {
      front.used = 0;
      head_ = 0;
      break;
    }
    head_ -= front.used;
    if (spare_.size() < kSpareBlocks) spare_.push_back(std::move(front));
    blocks_.pop_front();
  }
}

void OutputQueue::clear() {
  while (!blocks_.empty()) {
    if (spare_.size() < kSpareBlocks) spare_.push_back(std::move(blocks_.front()));
    blocks_.pop_front();
  }
  head_ = 0;
  size_ = 0;
  gather_.clear();
}

}  // namespace artemis::net
