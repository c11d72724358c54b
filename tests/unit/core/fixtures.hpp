#pragma once
// Core test fixtures: a hand-driven scheduler, a recording consumer handler, and a PostOffice
// over in-memory journals that can be "restarted" from the same disks.
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "../store/memory_journal.hpp"
#include "core/post_office.hpp"
#include "store/storage_manager.hpp"
#include "util/scheduler.hpp"

namespace artemis::testing {

class FakeScheduler : public util::Scheduler {
 public:
  TimerId schedule_after(std::chrono::milliseconds d, std::function<void()> fn) override {
    const TimerId id = next_++;
    timers_[id] = {now_ + d.count(), std::move(fn)};
    return id;
  }
  void cancel(TimerId id) override { timers_.erase(id); }
  void post(std::function<void()> fn) override { posted_.push_back(std::move(fn)); }
  std::int64_t now_ms() const override { return now_; }

  void run_posted() {
    for (int round = 0; round < 100 && !posted_.empty(); ++round) {
      auto batch = std::move(posted_);
      posted_.clear();
      for (auto& fn : batch) fn();
    }
  }
  void advance(std::int64_t ms) {
    now_ += ms;
    for (int round = 0; round < 1000; ++round) {
      auto it = std::find_if(timers_.begin(), timers_.end(),
                             [&](const auto& t) { return t.second.first <= now_; });
      if (it == timers_.end()) break;
      auto fn = std::move(it->second.second);
      timers_.erase(it);
      fn();
    }
  }

 private:
  std::int64_t now_ = 1'000'000;
  TimerId next_ = 1;
  std::map<TimerId, std::pair<std::int64_t, std::function<void()>>> timers_;
  std::vector<std::function<void()>> posted_;
};

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
  FakeScheduler scheduler;
  util::Logger log{stderr, util::Level::error};
  std::shared_ptr<MemoryDisk> bindings_disk = std::make_shared<MemoryDisk>();
  std::shared_ptr<MemoryDisk> messages_disk = std::make_shared<MemoryDisk>();
  std::unique_ptr<store::StorageManager> storage;
  std::unique_ptr<core::PostOffice> po;

  CoreFixture() {
    config.message_expiry_scan_period_ms = 1000;
  }

  void start() {
    journal::Poster post = [this](std::function<void()> fn) { scheduler.post(std::move(fn)); };
    storage = std::make_unique<store::StorageManager>(
        std::make_unique<MemoryJournal>(bindings_disk, post),
        std::make_unique<MemoryJournal>(messages_disk, post), log);
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
    auto m = std::make_shared<core::Message>();
    m->record.body = std::move(body);
    m->record.durable = durable;
    m->record.priority = static_cast<std::uint8_t>(priority);
    m->record.timestamp = scheduler.now_ms();
    return m;
  }
  core::RouteResult send(const std::string& dest, core::MessagePtr m) {
    return po->send(std::move(m), core::Destination::parse(dest), [](std::error_code) {});
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
