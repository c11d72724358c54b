#pragma once
// BucketHistogram: counts of observed values in fixed buckets, written by one thread and read by any
// (relaxed atomics: a reader sees each counter whole, not all of them at one instant). For
// Prometheus histograms: snapshot() gives the cumulative counts per upper bound, the sum and
// the count.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace artemis::util {

struct HistogramSnapshot {
  std::vector<std::uint64_t> bounds;      // upper bounds, ascending; +Inf is implied
  std::vector<std::uint64_t> cumulative;  // observations <= each bound, then the total
  std::uint64_t sum = 0;
  std::uint64_t count = 0;
};

template <std::size_t N>
class BucketHistogram {
 public:
  explicit constexpr BucketHistogram(std::array<std::uint64_t, N> bounds) : bounds_(bounds) {}

  void observe(std::uint64_t value) {
    std::size_t i = 0;
    while (i < N && value > bounds_[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
  }

  HistogramSnapshot snapshot() const {
    HistogramSnapshot s;
    s.bounds.assign(bounds_.begin(), bounds_.end());
    std::uint64_t running = 0;
    for (const auto& c : counts_) {
      running += c.load(std::memory_order_relaxed);
      s.cumulative.push_back(running);
    }
    s.count = running;
    s.sum = sum_.load(std::memory_order_relaxed);
    return s;
  }

 private:
  std::array<std::uint64_t, N> bounds_;
  std::array<std::atomic<std::uint64_t>, N + 1> counts_{};  // the last: over every bound
  std::atomic<std::uint64_t> sum_{0};
};

}  // namespace artemis::util
