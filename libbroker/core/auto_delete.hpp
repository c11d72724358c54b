#pragma once
// AutoDeleter: removes auto-created queues and addresses nobody needs any more (reference §1.6),
// scanning every `address-queue-scan-period` ms (-1: no periodic scan).
//
// A queue goes when it was auto-created, its address-settings say `auto-delete-queues`, it has
// no consumer, holds at most `auto-delete-queues-message-count` messages (-1: any number), was
// used (a consumer left, or a message was acknowledged, expired or dead-lettered; or
// `auto-delete-queues-skip-usage-check`), and `auto-delete-queues-delay` ms have passed since
// its last consumer left (since it was created when none ever left).
// An address goes when it was auto-created, `auto-delete-addresses` holds, no queue is bound
// to it, a queue was once removed from it (or `auto-delete-addresses-skip-usage-check`) and
// `auto-delete-addresses-delay` ms have passed since then (since its creation when skipping
// the usage check).
//
// A candidate must be found eligible by two scans in a row before it goes, so a queue that
// was created a moment ago and is about to get its consumer is not pulled away. At start the
// first check is different: empty auto-created queues and auto-created addresses without
// queues go at once, whatever the delays and usage, so leftovers of the last run do not
// linger (Artemis does the same before its acceptors open).
//
// Queues and addresses that broker.xml lists, durable subscriptions and temporary queues are
// never candidates. Durable deletions go through the bindings journal (PostOffice), so an
// auto-deleted queue does not come back after a restart.
//
// Broker thread only. Owned by the PostOffice.
#include <cstdint>
#include <memory>
#include <set>

#include "util/log.hpp"
#include "util/scheduler.hpp"

namespace artemis::core {

class PostOffice;

class AutoDeleter {
 public:
  AutoDeleter(PostOffice& post_office, util::Scheduler& scheduler, const util::Logger& log,
              std::int64_t scan_period_ms);
  ~AutoDeleter();
  AutoDeleter(const AutoDeleter&) = delete;
  AutoDeleter& operator=(const AutoDeleter&) = delete;

  // The start-up check, then the periodic scan.
  void start();
  void stop();
  // One periodic scan (also what the timer runs).
  void scan();

 private:
  enum class Pass { initial, periodic };
  void sweep(Pass pass);
  void arm();

  PostOffice& post_office_;
  util::Scheduler& scheduler_;
  const util::Logger& log_;
  std::int64_t period_ms_;
  util::Scheduler::TimerId timer_ = 0;
  // Ids found eligible by the previous scan.
  std::set<std::uint64_t> swept_queues_;
  std::set<std::uint64_t> swept_addresses_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // guards the timer callback
};

}  // namespace artemis::core
