#include "core/broker_core.hpp"

#include <fmt/core.h>

#include "core/log_codes.hpp"
#include "core/post_office.hpp"
#include "journal/journal.hpp"
#include "store/storage_manager.hpp"
#include "util/assert.hpp"
#include "util/memory.hpp"

namespace artemis::core {
namespace {

constexpr std::uint64_t bindings_file_size = 1024 * 1024;

journal::Options message_journal_options(const config::BrokerConfig& c) {
  journal::Options o;
  o.directory = c.journal_directory;
  o.prefix = "activemq-data";
  o.extension = "amq";
  o.file_size = static_cast<std::uint64_t>(c.journal.file_size);
  o.min_files = c.journal.min_files;
  o.pool_files = c.journal.pool_files;
  o.compact_min_files = c.journal.compact_min_files;
  o.compact_percentage = c.journal.compact_percentage;
  o.datasync = c.journal.datasync;
  if (c.journal.buffer_timeout_ns)
    o.buffer_timeout = std::chrono::nanoseconds(*c.journal.buffer_timeout_ns);
  if (c.journal.buffer_size > 0) o.max_batch_bytes = static_cast<std::size_t>(c.journal.buffer_size);
  return o;
}

journal::Options bindings_journal_options(const config::BrokerConfig& c) {
  journal::Options o;
  o.directory = c.bindings_directory;
  o.prefix = "activemq-bindings";
  o.extension = "bindings";
  o.file_size = bindings_file_size;
  o.min_files = 2;
  o.pool_files = c.journal.pool_files;
  o.datasync = c.journal.datasync;
  return o;
}

}  // namespace

struct BrokerCore::Impl {
  const config::BrokerConfig& config;
  util::Scheduler& scheduler;
  const util::Logger& log;
  std::unique_ptr<store::StorageManager> storage;
  std::unique_ptr<PostOffice> post_office;
  bool started = false;
};

BrokerCore::BrokerCore(const config::BrokerConfig& config, util::Scheduler& scheduler,
                       const util::Logger& log)
    : impl_(std::make_unique<Impl>(Impl{config, scheduler, log, nullptr, nullptr, false})) {}

BrokerCore::~BrokerCore() { stop(); }

std::error_code BrokerCore::start() {
  BROKER_ASSERT(!impl_->started, "BrokerCore started twice");
  auto& c = impl_->config;
  std::unique_ptr<journal::Journal> bindings, messages;
  if (c.persistence_enabled) {
    // Completions run on the broker thread: the journal thread only posts them.
    journal::Poster post = [&s = impl_->scheduler](std::function<void()> fn) {
      s.post(std::move(fn));
    };
    bindings = journal::make_journal(bindings_journal_options(c), post, impl_->log);
    messages = journal::make_journal(message_journal_options(c), post, impl_->log);
  }
  impl_->storage =
      std::make_unique<store::StorageManager>(std::move(bindings), std::move(messages), impl_->log);
  store::LoadedState state;
  if (auto ec = impl_->storage->load(state)) {
    impl_->log.plain(util::Level::error, log_codes::server_logger,
                     "could not load the journals ({}, {}): {}", c.bindings_directory.string(),
                     c.journal_directory.string(), ec.message());
    impl_->storage.reset();
    return ec;
  }
  impl_->post_office =
      std::make_unique<PostOffice>(c, *impl_->storage, impl_->scheduler, impl_->log);
  if (c.global_max_size <= 0) {
    const auto memory = util::available_memory();
    const auto bytes = config::effective_global_max_size(c, memory);
    impl_->log.log(log_codes::global_max_size_default, c.global_max_size_percent, memory, bytes);
    impl_->post_office->set_global_max_size(bytes);
  }
  impl_->post_office->load(state);
  impl_->post_office->deploy(c.addresses);
  impl_->post_office->start();
  impl_->started = true;
  return {};
}

void BrokerCore::stop() {
  if (!impl_->started) return;
  impl_->started = false;
  impl_->post_office->stop();
  impl_->storage->close();
}

PostOffice& BrokerCore::post_office() {
  BROKER_ASSERT(impl_->post_office != nullptr, "BrokerCore::post_office() before start()");
  return *impl_->post_office;
}

store::StorageManager& BrokerCore::storage() {
  BROKER_ASSERT(impl_->storage != nullptr, "BrokerCore::storage() before start()");
  return *impl_->storage;
}

const config::BrokerConfig& BrokerCore::config() const { return impl_->config; }

}  // namespace artemis::core
