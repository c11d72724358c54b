#pragma once
// What `artemis perf` measures. Every producer and consumer thread records into its own
// Recorder (counters plus latency histograms in microseconds); once a second the reporting
// thread takes an Interval from all of them: the counts since the last one and the merged
// histograms, which it then resets. Recording costs an uncontended lock and an array increment.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>

#include "util/histogram.hpp"

namespace artemis::cli {

struct Latencies {
  util::Histogram delay_send;  // --rate: how late a send started against its schedule
  util::Histogram send;        // send to the broker's receipt (durable sends)
  util::Histogram transfer;    // send to receipt by a consumer (same host clock)
  void merge(const Latencies& other);
  void reset();
};

struct Counts {
  std::uint64_t sent = 0;
  std::uint64_t blocked = 0;    // sends that waited because --max-pending were in flight
  std::uint64_t completed = 0;  // sends the broker confirmed (non-durable: when written)
  std::uint64_t received = 0;
  Counts& operator+=(const Counts& o);
};

class Recorder {
 public:
  void sent() { sent_.fetch_add(1, std::memory_order_relaxed); }
  void set_blocked(std::uint64_t total) { blocked_.store(total, std::memory_order_relaxed); }
  void completed() { completed_.fetch_add(1, std::memory_order_relaxed); }
  void received() { received_.fetch_add(1, std::memory_order_relaxed); }
  void delay_send(std::chrono::nanoseconds d) { record(&Latencies::delay_send, d); }
  void send_time(std::chrono::nanoseconds d) { record(&Latencies::send, d); }
  void transfer_time(std::chrono::microseconds d) { record(&Latencies::transfer, d); }

  Counts totals() const;
  // Merges this recorder's histograms into `into` and resets its own.
  void drain(Latencies& into);

 private:
  void record(util::Histogram Latencies::*which, std::chrono::nanoseconds d);

  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> blocked_{0};
  std::atomic<std::uint64_t> completed_{0};
  std::atomic<std::uint64_t> received_{0};
  std::mutex mutex_;  // guards latencies_
  Latencies latencies_;
};

struct Interval {
  bool warmup = false;
  double seconds = 0;  // length of this interval
  double time = 0;     // seconds since the run started, at the end of the interval
  Counts counts;       // during this interval
  Latencies latencies;
};

class Metrics {
 public:
  Recorder& add_recorder();  // before the threads start
  Counts totals() const;
  // Everything recorded since the previous call.
  void take(Interval& into);

 private:
  std::deque<Recorder> recorders_;  // stable addresses
  Counts previous_;
};

}  // namespace artemis::cli
