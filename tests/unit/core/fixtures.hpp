#pragma once
// Core test fixtures: a recording consumer handler, and a PostOffice over in-memory journals
// that can be "restarted" from the same disks, driven by the shared hand-driven scheduler.
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "../store/memory_journal.hpp"
#include "core/post_office.hpp"
#include "store/storage_manager.hpp"
#include "support/manual_scheduler.hpp"

namespace artemis::testing {

struct RecordingHandler : core::ConsumerHandler {
  std::vector<core::MessageRef> got;
  bool is_ready = true;
  bool auto_ack = false;
  bool ready(const core::ServerConsumer&) const override { return is_ready; }
  void deliver(core::ServerConsumer& c, const core::MessageRef& ref) override {
    got.push_back(ref);
    if (auto_ack) c.ack(ref.message->id());
  }
  std::vector<std::string> bodies() const {
    std::vector<std::string> out;
    for (const auto& r : got) out.push_back(r.message->record.body);
    return out;
  }
};

struct CoreFixture {
  config::BrokerConfig config;
  test_support::ManualScheduler scheduler;
  util::Logger log{stderr, util::Level::error};
  std::shared_ptr<MemoryDisk> bindings_disk = std::make_shared<MemoryDisk>();
  std::shared_ptr<MemoryDisk> messages_disk = std::make_shared<MemoryDisk>();
  std::unique_ptr<store::StorageManager> storage;
  // The journals `storage` owns, for failure injection (MemoryJournal::fail_from_now).
  MemoryJournal* bindings_journal = nullptr;
  MemoryJournal* messages_journal = nullptr;
  std::unique_ptr<core::PostOffice> po;

  // Page files of paging addresses go here; removed with the fixture.
  std::filesystem::path paging_root;

  CoreFixture() {
    config.message_expiry_scan_period_ms = 1000;
    char tmpl[] = "/tmp/artemis-unit-paging-XXXXXX";
    paging_root = ::mkdtemp(tmpl);
    config.paging_directory = paging_root;
    config.large_messages_directory = paging_root / "large-messages";
  }
  ~CoreFixture() {
    po.reset();
    std::error_code ec;
    std::filesystem::remove_all(paging_root, ec);
  }

  void start() {
    auto bindings = std::make_unique<MemoryJournal>(bindings_disk, scheduler.poster());
    auto messages = std::make_unique<MemoryJournal>(messages_disk, scheduler.poster());
    bindings_journal = bindings.get();
    messages_journal = messages.get();
    storage = std::make_unique<store::StorageManager>(std::move(bindings), std::move(messages), log);
    store::LoadedState st;
    REQUIRE_FALSE(storage->load(st));
    po = std::make_unique<core::PostOffice>(config, *storage, scheduler, log);
    po->load(st);
    po->deploy(config.addresses);
    po->start();
  }
  void restart() {
    scheduler.run_posted();
    po.reset();
    storage->close();
    storage.reset();
    start();
  }

  core::MessagePtr message(std::string body, bool durable = false, int priority = 4) {
    auto m = core::make_message();
    m->record.body = std::move(body);
    m->record.durable = durable;
    m->record.priority = static_cast<std::uint8_t>(priority);
    m->record.timestamp = scheduler.now_ms();
    return m;
  }
  // Sends and lets the store complete, so a durable message is on its queues on return.
  core::RouteResult send(const std::string& dest, core::MessagePtr m) {
    auto result = po->send(std::move(m), core::Destination::parse(dest), [](std::error_code) {});
    scheduler.run_posted();
    return result;
  }
  void anycast_queue(const std::string& name) {
    REQUIRE_FALSE(po->create_address(name, core::RoutingType::anycast, false));
    core::QueueDefinition d;
    d.name = name;
    d.address = name;
    REQUIRE_FALSE(po->create_queue(d));
  }
};

}  // namespace artemis::testing
