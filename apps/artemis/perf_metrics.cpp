#include "perf_metrics.hpp"

namespace artemis::cli {

namespace {

std::uint64_t to_micros(std::chrono::nanoseconds d) {
  return d.count() <= 0 ? 0 : static_cast<std::uint64_t>(d.count() / 1000);
}

}  // namespace

void Latencies::merge(const Latencies& other) {
  delay_send.merge(other.delay_send);
  send.merge(other.send);
  transfer.merge(other.transfer);
}

void Latencies::reset() {
  delay_send.reset();
  send.reset();
  transfer.reset();
}

Counts& Counts::operator+=(const Counts& o) {
  sent += o.sent;
  blocked += o.blocked;
  completed += o.completed;
  received += o.received;
  return *this;
}

void Recorder::record(util::Histogram Latencies::*which, std::chrono::nanoseconds d) {
  std::lock_guard lock(mutex_);
  (latencies_.*which).record(to_micros(d));
}

Counts Recorder::totals() const {
  Counts c;
  c.sent = sent_.load(std::memory_order_relaxed);
  c.blocked = blocked_.load(std::memory_order_relaxed);
  c.completed = completed_.load(std::memory_order_relaxed);
  c.received = received_.load(std::memory_order_relaxed);
  return c;
}

void Recorder::drain(Latencies& into) {
  std::lock_guard lock(mutex_);
  into.merge(latencies_);
  latencies_.reset();
}

Recorder& Metrics::add_recorder() {
  return recorders_.emplace_back();
}

Counts Metrics::totals() const {
  Counts c;
  for (const auto& r : recorders_) c += r.totals();
  return c;
}

void Metrics::take(Interval& into) {
  into.latencies.reset();
  for (auto& r : recorders_) r.drain(into.latencies);
  const auto now = totals();
  into.counts.sent = now.sent - previous_.sent;
  into.counts.blocked = now.blocked - previous_.blocked;
  into.counts.completed = now.completed - previous_.completed;
  into.counts.received = now.received - previous_.received;
  previous_ = now;
}

}  // namespace artemis::cli
