#include "util/histogram.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using artemis::util::Histogram;

TEST_CASE("histogram: empty answers zero") {
  Histogram h;
  CHECK(h.count() == 0);
  CHECK(h.value_at_percentile(50) == 0);
  CHECK(h.mean() == 0.0);
}

TEST_CASE("histogram: small values are exact") {
  Histogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
  CHECK(h.count() == 100);
  CHECK(h.value_at_percentile(50) == 50);
  CHECK(h.value_at_percentile(90) == 90);
  CHECK(h.value_at_percentile(99) == 99);
  CHECK(h.value_at_percentile(100) == 100);
  CHECK(h.max() == 100);
  CHECK(h.mean() == doctest::Approx(50.5));
}

TEST_CASE("histogram: percentiles within 0.1 % of a sorted reference") {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(6.0, 1.5);  // microseconds, a long tail
  std::vector<std::uint64_t> values;
  Histogram h;
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<std::uint64_t>(dist(rng)) + 1;
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (const double p : {1.0, 50.0, 90.0, 99.0, 99.9, 99.99}) {
    const auto rank =
        static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    const auto exact = static_cast<double>(values[rank - 1]);
    const auto got = static_cast<double>(h.value_at_percentile(p));
    CAPTURE(p);
    CHECK(got >= exact);
    CHECK(got <= exact * 1.001 + 1);
  }
  CHECK(h.max() == values.back());
}

TEST_CASE("histogram: merge adds counts and keeps the max") {
  Histogram a;
  Histogram b;
  for (int i = 0; i < 10; ++i) a.record(10);
  for (int i = 0; i < 10; ++i) b.record(1000000);
  a.merge(b);
  CHECK(a.count() == 20);
  CHECK(a.value_at_percentile(50) == 10);
  CHECK(a.value_at_percentile(51) >= 1000000);
  CHECK(a.value_at_percentile(51) <= 1001000);
  CHECK(a.max() == 1000000);
  a.reset();
  CHECK(a.count() == 0);
  CHECK(a.max() == 0);
}

TEST_CASE("histogram: huge values are clamped, not lost") {
  Histogram h;
  h.record(UINT64_MAX);
  h.record(0);
  CHECK(h.count() == 2);
  CHECK(h.max() == UINT64_MAX);
  CHECK(h.value_at_percentile(50) == 0);
  CHECK(h.value_at_percentile(100) == UINT64_MAX);
  CHECK(h.value_at_percentile(99) >= Histogram::kHighestTrackable);
}
