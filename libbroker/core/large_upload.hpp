#pragma once
// LargeUpload: the body of one large message while a protocol receives it (reference §5; the
// file layout is store/large_message.hpp). Pieces are gathered into writes of a few hundred
// KiB for the PageWriter thread; finish() syncs the file and hands back its body, which the
// protocol attaches to the message it then sends (attach_large_body). The message is routed,
// and its record written, only after the body is on disk.
//
// A protocol stops reading its connection while unwritten() is high and goes on from
// when_written(): a client can never make the broker hold more than a bounded part of a body.
// Dropped before finish() (the client went away, the frame was refused), the file is removed.
//
// Broker thread only; completions arrive through the PageWriter's poster.
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <system_error>
#include <vector>

#include "store/large_message.hpp"
#include "store/page_writer.hpp"

namespace artemis::core {

class LargeUpload {
 public:
  using Finished = std::function<void(std::error_code, std::shared_ptr<store::LargeBody>)>;
  // `failed`: the first write or sync that failed (finish() then reports it too).
  LargeUpload(std::shared_ptr<store::LargeBody> body, std::shared_ptr<store::PageFile> file,
              store::PageWriter& writer, std::function<void(std::error_code)> failed);
  LargeUpload(const LargeUpload&) = delete;
  LargeUpload& operator=(const LargeUpload&) = delete;

  std::uint64_t message_id() const { return body_->message_id(); }
  std::uint64_t size() const { return size_; }
  void append(std::string_view bytes);
  // Bytes appended and not yet written to the file.
  std::size_t unwritten() const;
  // Runs `fn` once unwritten() is at most `bytes` (at once when it is already).
  void when_written(std::size_t bytes, std::function<void()> fn);
  // Writes what is gathered, syncs, then `done` with the body (or the error). Once only.
  void finish(Finished done);

  // Pieces are gathered up to this many bytes per write.
  static constexpr std::size_t kWriteBytes = 256 * 1024;

 private:
  struct Progress {
    std::size_t unwritten = 0;
    std::size_t wake_at = 0;
    std::function<void()> waiter;
    std::error_code failed;
  };
  void write(bool sync, std::function<void(std::error_code)> done);

  std::shared_ptr<store::LargeBody> body_;
  std::shared_ptr<store::PageFile> file_;
  store::PageWriter& writer_;
  std::function<void(std::error_code)> on_failure_;
  std::shared_ptr<Progress> progress_ = std::make_shared<Progress>();
  std::vector<std::uint8_t> gathered_;
  std::uint64_t size_ = 0;
};

}  // namespace artemis::core
