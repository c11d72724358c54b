#pragma once
// OutputQueue: the bytes a connection has yet to write, kept in fixed-size blocks.
//
// A single growing string doubles and copies everything queued each time a slow reader lets a
// backlog build, and a buffer shrunk after the burst grows again with the next one. Blocks
// never move: a frame is copied once, into the tail block, while the blocks before it (and the
// written part of the tail) are on their way to the socket as one gather list (writev).
// Written blocks are kept for reuse, up to a few. Broker thread only.
#include <asio/buffer.hpp>
#include <cstddef>
#include <deque>
#include <memory>
#include <string_view>
#include <vector>

namespace artemis::net {

class OutputQueue {
 public:
  static constexpr std::size_t kBlockBytes = 16u << 10;
  static constexpr std::size_t kSpareBlocks = 1;  // idle, a connection keeps its tail and one spare
  static constexpr std::size_t kMaxGather = 64;   // 1 MiB per writev, well under IOV_MAX

  void append(std::string_view bytes);
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The queued bytes from the front, as at most kMaxGather buffers. They stay valid (appends
  // write only past them) until consume() or clear().
  const std::vector<asio::const_buffer>& gather();
  // The first `n` bytes were written.
  void consume(std::size_t n);
  void clear();

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    std::size_t used = 0;
  };

  Block take_block();

  std::deque<Block> blocks_;
  std::vector<Block> spare_;
  std::size_t head_ = 0;  // bytes of blocks_.front() already written
  std::size_t size_ = 0;  // bytes queued, not yet written
  std::vector<asio::const_buffer> gather_;
};

}  // namespace artemis::net
