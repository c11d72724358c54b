// PostOffice and large messages (reference §5): the upload of a body, the file of a copy, and
// the body files checked and tidied at start-up.
#include <fmt/core.h>

#include <filesystem>

#include "core/log_codes.hpp"
#include "core/post_office.hpp"
#include "journal/journal_file.hpp"

namespace artemis::core {

namespace fs = std::filesystem;

std::unique_ptr<LargeUpload> PostOffice::begin_large_upload(std::error_code& ec) {
  if (!large_messages_enabled()) {
    ec = std::make_error_code(std::errc::operation_not_supported);
    return nullptr;
  }
  const auto id = storage_.next_id();
  const auto path = store::large_message_path(config_.large_messages_directory, id);
  auto file = store::PageFile::open(path, ec);
  if (!file) {
    log_.plain(util::Level::error, log_codes::server_logger,
               "could not create large message file {}: {}", path.string(), ec.message());
    return nullptr;
  }
  auto body = std::make_shared<store::LargeBody>(path, id, 0);
  // A failure (a full disk) fails this upload, whose sender is told; the broker goes on.
  return std::make_unique<LargeUpload>(std::move(body), std::move(file), *large_writer_,
                                       [this, alive = alive_, path](std::error_code failure) {
                                         if (*alive)
                                           log_.plain(util::Level::warn, log_codes::server_logger,
                                                      "could not write large message file {}: {}",
                                                      path.string(), failure.message());
                                       });
}

bool PostOffice::own_large_body(Message& m) {
  if (!m.large || m.large->message_id() == m.id()) return true;
  const auto path = store::large_message_path(config_.large_messages_directory, m.id());
  std::error_code ec;
  fs::create_hard_link(m.large->path(), path, ec);
  // The new name must survive a power cut before this copy's record is confirmed: the
  // original's file goes once the original is acknowledged, and the copy would lose its body.
  if (!ec) ec = journal::sync_directory(path.parent_path());
  if (ec) {
    log_.plain(util::Level::error, log_codes::server_logger,
               "could not give message {} its own large message file {}: {}", m.id(), path.string(),
               ec.message());
    return false;
  }
  m.large = std::make_shared<store::LargeBody>(path, m.id(), m.large->size());
  return true;
}

bool PostOffice::restore_large_body(Message& m) {
  if (!m.record.large_body_size) return true;
  const auto path = store::large_message_path(config_.large_messages_directory, m.id());
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec || size != *m.record.large_body_size) {
    log_.plain(
        util::Level::warn, log_codes::server_logger,
        "large message {} lost its body: {} {}; the message is dropped", m.id(), path.string(),
        ec ? ec.message() : fmt::format("holds {} of {} bytes", size, *m.record.large_body_size));
    return false;
  }
  m.large = store::recorded_large_body(config_.large_messages_directory, m.id(), size);
  return true;
}

void PostOffice::load_large_messages(const std::set<std::uint64_t>& named) {
  // Nowhere to keep them without persistence: protocols then hold bodies whole.
  if (!storage_.persistent() || config_.large_messages_directory.empty()) return;
  std::error_code ec;
  const auto& dir = config_.large_messages_directory;
  fs::create_directories(dir, ec);
  if (ec) {
    log_.plain(util::Level::error, log_codes::server_logger,
               "could not create the large messages directory {}: {}; large bodies are kept "
               "whole in memory",
               dir.string(), ec.message());
    return;
  }
  large_writer_ = std::make_unique<store::PageWriter>(
      [&s = scheduler_](std::function<void()> fn) { s.post(std::move(fn)); },
      config_.journal.datasync, store::Failures::per_file);
  std::vector<fs::path> orphans;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const auto id = store::large_message_id_of(e.path().filename().string());
    if (id && !named.count(*id)) orphans.push_back(e.path());
  }
  for (const auto& path : orphans) {
    // Written by a send that never completed (the broker stopped first): never confirmed.
    log_.plain(util::Level::info, log_codes::server_logger,
               "removing large message file {}: no message names it", path.string());
    fs::remove(path, ec);
  }
}

}  // namespace artemis::core
