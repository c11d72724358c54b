#pragma once
// The text and JSON that `artemis perf` writes (cli.md §5.5): a block per second, a summary at
// the end, and with --json the same as an array of objects. Latencies are in microseconds.
#include <nlohmann/json.hpp>
#include <string>

#include "perf_metrics.hpp"

namespace artemis::cli {

struct ReportShape {
  bool producers = true;  // sent / blocked / completed lines
  bool consumers = true;  // received lines
  bool show_latency = false;
  bool rated = false;  // --rate given: "send delay time" lines
};

struct Summary {
  bool success = true;
  Counts total;     // the whole run
  Counts measured;  // after the warm-up
  double measured_seconds = 0;
  Latencies aggregated;  // after the warm-up
};

std::string format_interval(const Interval& interval, const ReportShape& shape);
std::string format_summary(const Summary& summary, const ReportShape& shape);

nlohmann::json interval_json(const Interval& interval);
nlohmann::json summary_json(const Summary& summary);

}  // namespace artemis::cli
