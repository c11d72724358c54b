#include "util/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace artemis::util {

namespace {

constexpr unsigned kHalfMagnitude = 10;                          // 1024 counters per doubling
constexpr std::uint64_t kSubBucketCount = 2u << kHalfMagnitude;  // 2048: three decimal digits
constexpr std::uint64_t kSubBucketMask = kSubBucketCount - 1;
constexpr std::size_t kHalf = std::size_t{1} << kHalfMagnitude;
// Buckets needed so that the last one reaches kHighestTrackable: 2048 << (n - 1) > 2^36 - 1.
constexpr std::size_t kBuckets = 36 - (kHalfMagnitude + 1) + 1;
constexpr std::size_t kCounters = (kBuckets + 1) * kHalf;

}  // namespace

Histogram::Histogram() : counts_(kCounters, 0) {}

std::size_t Histogram::index_of(std::uint64_t value) {
  const unsigned top_bit = 63u - static_cast<unsigned>(std::countl_zero(value | kSubBucketMask));
  const unsigned bucket = top_bit - kHalfMagnitude;
  const std::uint64_t sub = value >> bucket;  // [1024, 2048) beyond bucket 0, [0, 2048) in it
  return ((static_cast<std::size_t>(bucket) + 1) << kHalfMagnitude) +
         static_cast<std::size_t>(sub) - kHalf;
}

std::uint64_t Histogram::highest_equivalent(std::size_t index) {
  auto bucket = static_cast<long>(index >> kHalfMagnitude) - 1;
  std::uint64_t sub = (index & (kHalf - 1)) + kHalf;
  if (bucket < 0) {
    bucket = 0;
    sub -= kHalf;
  }
  const std::uint64_t lowest = sub << bucket;
  return lowest + (std::uint64_t{1} << bucket) - 1;
}

void Histogram::record(std::uint64_t value) {
  max_ = std::max(max_, value);
  sum_ += static_cast<double>(value);
  ++counts_[index_of(std::min(value, kHighestTrackable))];
  ++total_;
}

void Histogram::merge(const Histogram& other) {
  for (std::size_t i = 0; i < kCounters; ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

void Histogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = 0;
  max_ = 0;
  sum_ = 0.0;
}

std::uint64_t Histogram::value_at_percentile(double percentile) const {
  if (total_ == 0) return 0;
  if (percentile >= 100.0) return max_;
  const double wanted = std::ceil(std::max(percentile, 0.0) / 100.0 * static_cast<double>(total_));
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(wanted));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kCounters; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(highest_equivalent(i), max_);
  }
  return max_;
}

}  // namespace artemis::util
