#pragma once
// A latency histogram in the HDR style: values are kept with three significant decimal digits
// over a range of 1 to 2^36 (about 19 hours in microseconds) in a fixed array of counters, so
// recording is a few instructions and no allocation, percentiles are exact to within 0.1 %,
// and histograms of several threads or intervals merge by adding counters.
//
// Layout: bucket 0 holds 0..2047 one by one; every further bucket covers twice the range of
// the previous one with 1024 counters, each twice as wide as in the bucket before.
#include <cstdint>
#include <vector>

namespace artemis::util {

class Histogram {
 public:
  static constexpr std::uint64_t kHighestTrackable = (std::uint64_t{1} << 36) - 1;

  Histogram();

  // Values above kHighestTrackable count as kHighestTrackable; max() still reports them.
  void record(std::uint64_t value);
  void merge(const Histogram& other);
  void reset();

  std::uint64_t count() const { return total_; }
  std::uint64_t max() const { return max_; }
  double mean() const { return total_ == 0 ? 0.0 : sum_ / static_cast<double>(total_); }
  // The smallest recorded value v (to three digits) such that `percentile` % of all values
  // are <= v; 0 when empty. 100 gives max().
  std::uint64_t value_at_percentile(double percentile) const;

 private:
  static std::size_t index_of(std::uint64_t value);
  static std::uint64_t highest_equivalent(std::size_t index);

  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
  std::uint64_t max_ = 0;
  double sum_ = 0.0;
};

}  // namespace artemis::util
