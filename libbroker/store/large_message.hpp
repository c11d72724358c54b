#pragma once
// Large messages (reference §5): a body over the protocol's min-large-message-size lives in its
// own file, <large-messages-directory>/<message id>.msg, and is never held whole in memory. The
// journal (record::large_message) or a page record keeps the rest of the message and the body's
// size. The file is written through the PageWriter thread and synced before the message's
// record is written, so a confirmed message always has its whole body on disk.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>

namespace artemis::store {

// "123.msg" for message 123.
std::string large_message_file_name(std::uint64_t id);
// The message id of such a name; nullopt for any other file.
std::optional<std::uint64_t> large_message_id_of(const std::string& file_name);

// One large message's body file, shared by every in-memory message and delivery that uses it.
// The file is removed when the last of them lets go, unless kept: while a journal record or a
// page still names it, the record's owner (the post office) keeps it and removes it itself.
class LargeBody {
 public:
  LargeBody(std::filesystem::path path, std::uint64_t message_id, std::uint64_t size)
      : path_(std::move(path)), message_id_(message_id), size_(size) {}
  ~LargeBody();
  LargeBody(const LargeBody&) = delete;
  LargeBody& operator=(const LargeBody&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The message whose record names this file (a copy of the message gets a file of its own).
  std::uint64_t message_id() const { return message_id_; }
  std::uint64_t size() const { return size_; }
  void set_size(std::uint64_t size) { size_ = size; }
  void keep(bool kept) { kept_ = kept; }
  bool kept() const { return kept_; }

 private:
  std::filesystem::path path_;
  std::uint64_t message_id_;
  std::uint64_t size_;
  bool kept_ = false;
};

// Reads a body file piece by piece (a delivery streaming it), from any offset.
class LargeBodyReader {
 public:
  LargeBodyReader() = default;
  ~LargeBodyReader();
  LargeBodyReader(const LargeBodyReader&) = delete;
  LargeBodyReader& operator=(const LargeBodyReader&) = delete;

  std::error_code open(const std::filesystem::path& path);
  // Up to out.size() bytes at `offset` (fewer only at the end of the file).
  std::size_t read(std::uint64_t offset, std::span<char> out, std::error_code& ec);

 private:
  int fd_ = -1;
};

// The file of message `id` in `directory`.
std::filesystem::path large_message_path(const std::filesystem::path& directory, std::uint64_t id);
// That file as a body a journal or page record names: kept until the record lets go of it.
std::shared_ptr<LargeBody> recorded_large_body(const std::filesystem::path& directory,
                                               std::uint64_t id, std::uint64_t size);

// The whole body, for a protocol that cannot stream one yet.
std::error_code read_large_body(const LargeBody& body, std::string& out);

}  // namespace artemis::store
