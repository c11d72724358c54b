#pragma once
// An in-memory journal::Journal for store and core unit tests. The "disk" is a shared
// MemoryDisk, so a test can close a journal and load a new one from the same disk (a restart).
// Completions go through the Poster like the real journal's; appends that were never completed
// are still on the disk (the tests that need torn tails use the real journal). fail_from_now()
// plays a device that just failed: every later append completes with the error and nothing
// more reaches the disk, and the failure handler runs once after the first failed completion;
// heal() makes later appends succeed again.
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "journal/journal.hpp"

namespace artemis::testing {

struct MemoryDisk {
  struct Op {
    enum Kind { add, update, del } kind;
    journal::RecordInfo record;
  };
  std::vector<Op> ops;  // committed operations in append order
  std::uint64_t max_id = 0;
};

class MemoryJournal : public journal::Journal {
 public:
  MemoryJournal(std::shared_ptr<MemoryDisk> disk, journal::Poster post)
      : disk_(std::move(disk)), post_(std::move(post)) {}

  std::error_code load(journal::LoadResult& out) override {
    // Replay: records in add order, each followed by its updates; deleted ones vanish.
    std::vector<std::uint64_t> order;
    std::map<std::uint64_t, std::vector<journal::RecordInfo>> live;
    for (const auto& op : disk_->ops) {
      out.max_id = std::max(out.max_id, op.record.id);
      if (op.kind == MemoryDisk::Op::add) {
        order.push_back(op.record.id);
        live[op.record.id] = {op.record};
      } else if (op.kind == MemoryDisk::Op::update) {
        if (live.count(op.record.id)) live[op.record.id].push_back(op.record);
      } else {
        live.erase(op.record.id);
      }
    }
    for (auto id : order) {
      auto it = live.find(id);
      if (it == live.end()) continue;
      for (auto& r : it->second) out.records.push_back(r);
      live.erase(it);
    }
    out.max_id = std::max(out.max_id, disk_->max_id);
    return {};
  }

  void append_add(std::uint64_t id, std::uint8_t type, journal::Payload data, journal::Sync,
                  journal::Completion done) override {
    const auto bytes = joined(data);
    push(MemoryDisk::Op::add, id, type, bytes, false);
    complete(std::move(done));
  }
  void append_update(std::uint64_t id, std::uint8_t type, std::span<const std::uint8_t> data,
                     journal::Sync, journal::Completion done) override {
    push(MemoryDisk::Op::update, id, type, data, true);
    complete(std::move(done));
  }
  void append_delete(std::uint64_t id, journal::Sync, journal::Completion done) override {
    push(MemoryDisk::Op::del, id, 0, {}, false);
    complete(std::move(done));
  }
  void append_add_tx(std::uint64_t tx, std::uint64_t id, std::uint8_t type,
                     journal::Payload data) override {
    const auto bytes = joined(data);
    tx_[tx].push_back({MemoryDisk::Op::add, info(id, type, bytes, false)});
  }
  void append_update_tx(std::uint64_t tx, std::uint64_t id, std::uint8_t type,
                        std::span<const std::uint8_t> data) override {
    tx_[tx].push_back({MemoryDisk::Op::update, info(id, type, data, true)});
  }
  void append_delete_tx(std::uint64_t tx, std::uint64_t id) override {
    tx_[tx].push_back({MemoryDisk::Op::del, info(id, 0, {}, false)});
  }
  void append_prepare(std::uint64_t, std::span<const std::uint8_t>, journal::Sync,
                      journal::Completion done) override {
    complete(std::move(done));
  }
  void append_commit(std::uint64_t tx, journal::Sync, journal::Completion done) override {
    if (!failure_) {
      disk_->max_id = std::max(disk_->max_id, tx);
      for (auto& op : tx_[tx]) disk_->ops.push_back(op);
    }
    tx_.erase(tx);
    complete(std::move(done));
  }
  void append_rollback(std::uint64_t tx, journal::Sync, journal::Completion done) override {
    tx_.erase(tx);
    complete(std::move(done));
  }
  void flush(journal::Completion done) override { complete(std::move(done)); }
  void on_failure(journal::FailureHandler fn) override { *on_failure_ = std::move(fn); }
  void close() override { *on_failure_ = nullptr; }

  void fail_from_now(std::error_code ec) { failure_ = ec; }
  // A disk that is slow to sync: while held, completions wait (in order) instead of being
  // posted; releasing posts them.
  void hold_completions() { holding_ = true; }
  void release_completions() {
    holding_ = false;
    for (auto& fn : held_) post_(std::move(fn));
    held_.clear();
  }
  // The device works again: later appends reach the disk (a resend after a failed store).
  void heal() { failure_ = {}; }
  journal::Stats stats() const override {
    journal::Stats s;
    s.appends = disk_->ops.size();
    return s;
  }

 private:
  static journal::RecordInfo info(std::uint64_t id, std::uint8_t type,
                                  std::span<const std::uint8_t> data, bool update) {
    return {id, type, std::vector<std::uint8_t>(data.begin(), data.end()), update};
  }
  static std::vector<std::uint8_t> joined(const journal::Payload& p) {
    std::vector<std::uint8_t> out(p.head.begin(), p.head.end());
    out.insert(out.end(), p.tail.begin(), p.tail.end());
    return out;
  }
  void push(MemoryDisk::Op::Kind kind, std::uint64_t id, std::uint8_t type,
            std::span<const std::uint8_t> data, bool update) {
    if (failure_) return;
    disk_->max_id = std::max(disk_->max_id, id);
    disk_->ops.push_back({kind, info(id, type, data, update)});
  }
  void complete(journal::Completion done) {
    const auto ec = failure_;
    if (done) {
      std::function<void()> fn = [done = std::move(done), ec] { done(ec); };
      if (holding_)
        held_.push_back(std::move(fn));
      else
        post_(std::move(fn));
    }
    if (ec && !failure_reported_) {
      failure_reported_ = true;
      post_([handler = on_failure_, ec] {
        if (auto fn = *handler) fn(ec);
      });
    }
  }

  std::shared_ptr<MemoryDisk> disk_;
  journal::Poster post_;
  std::map<std::uint64_t, std::vector<MemoryDisk::Op>> tx_;
  // Shared with the posted notification, which may run after this journal is gone.
  std::shared_ptr<journal::FailureHandler> on_failure_ =
      std::make_shared<journal::FailureHandler>();
  std::error_code failure_;
  bool failure_reported_ = false;
  bool holding_ = false;
  std::vector<std::function<void()>> held_;
};

}  // namespace artemis::testing
