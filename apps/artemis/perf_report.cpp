#include "perf_report.hpp"

#include <fmt/core.h>

namespace artemis::cli {

namespace {

struct Percentile {
  double value;
  const char* key;  // the --json key, as Artemis writes it
};
constexpr Percentile kPercentiles[] = {
    {50.0, "50"}, {90.0, "90"}, {99.0, "99"}, {99.9, "99.9"}, {99.99, "99.99"}};

std::string percentile_line(const std::string& label, const util::Histogram& h) {
  std::string line = fmt::format("--- {:<14}   mean: {:9.2f} us", label, h.mean());
  for (const auto& p : kPercentiles)
    line += fmt::format(" - {:.2f}%: {:9.2f} us", p.value,
                        static_cast<double>(h.value_at_percentile(p.value)));
  line += fmt::format(" - max: {:9.2f} us", static_cast<double>(h.max()));
  return line;
}

std::uint64_t per_second(std::uint64_t n, double seconds) {
  return seconds <= 0 ? 0 : static_cast<std::uint64_t>(static_cast<double>(n) / seconds + 0.5);
}

nlohmann::json histogram_json(const util::Histogram& h) {
  nlohmann::json j;
  j["mean"] = h.mean();
  for (const auto& p : kPercentiles) j[p.key] = h.value_at_percentile(p.value);
  j["max"] = h.max();
  j["count"] = h.count();
  return j;
}

// The three latency series, under the keys Artemis's --json uses.
void add_latencies(nlohmann::json& j, const Latencies& l) {
  j["delaySendTime"] = histogram_json(l.delay_send);
  j["sendTime"] = histogram_json(l.send);
  j["transferTime"] = histogram_json(l.transfer);
}

}  // namespace

std::string format_interval(const Interval& in, const ReportShape& shape) {
  // Built as Artemis builds it: a leading newline, each metric after a space.
  std::string out = fmt::format("\n--- warmup {}", in.warmup ? "true" : "false");
  const auto rate_line = [&](const char* label, std::uint64_t n) {
    out += fmt::format(" \n--- {:<14}{:8} msg/sec", label, per_second(n, in.seconds));
  };
  if (shape.producers) {
    rate_line("sent:", in.counts.sent);
    rate_line("blocked:", in.counts.blocked);
    rate_line("completed:", in.counts.completed);
  }
  if (shape.consumers) rate_line("received:", in.counts.received);
  if (shape.show_latency) {
    if (shape.producers && shape.rated)
      out += " \n" + percentile_line("send delay time:", in.latencies.delay_send);
    if (shape.producers) out += " \n" + percentile_line("send ack time:", in.latencies.send);
    if (shape.consumers) out += " \n" + percentile_line("transfer time:", in.latencies.transfer);
  }
  return out;
}

std::string format_summary(const Summary& s, const ReportShape& shape) {
  std::string out = "\n--- SUMMARY";
  out += fmt::format("\n--- {:<22}{:>12}", "result:", s.success ? "success" : "fail");
  if (shape.producers) {
    out += fmt::format("\n--- {:<22}{:12}", "total sent:", s.total.sent);
    out += fmt::format("\n--- {:<22}{:12}", "total blocked:", s.total.blocked);
    out += fmt::format("\n--- {:<22}{:12}", "total completed:", s.total.completed);
  }
  if (shape.consumers) out += fmt::format("\n--- {:<22}{:12}", "total received:", s.total.received);
  // Rates over the measured part of the run (after the warm-up): what a comparison wants.
  out += fmt::format("\n--- {:<22}{:12.1f} s", "measured:", s.measured_seconds);
  if (shape.producers)
    out += fmt::format("\n--- {:<22}{:12} msg/sec",
                       "completed rate:", per_second(s.measured.completed, s.measured_seconds));
  if (shape.consumers)
    out += fmt::format("\n--- {:<22}{:12} msg/sec",
                       "received rate:", per_second(s.measured.received, s.measured_seconds));
  if (shape.show_latency) {
    if (shape.producers && shape.rated)
      out += "\n" + percentile_line("aggregated delay send time:", s.aggregated.delay_send);
    if (shape.producers) out += "\n" + percentile_line("aggregated send time:", s.aggregated.send);
    if (shape.consumers)
      out += "\n" + percentile_line("aggregated transfer time:", s.aggregated.transfer);
  }
  return out;
}

nlohmann::json interval_json(const Interval& in) {
  nlohmann::json j;
  j["sampleType"] = "interval";
  j["warmup"] = in.warmup;
  j["time"] = in.time;
  j["sent"] = per_second(in.counts.sent, in.seconds);
  j["blocked"] = per_second(in.counts.blocked, in.seconds);
  j["completed"] = per_second(in.counts.completed, in.seconds);
  j["received"] = per_second(in.counts.received, in.seconds);
  add_latencies(j, in.latencies);
  return j;
}

nlohmann::json summary_json(const Summary& s) {
  nlohmann::json j;
  j["sampleType"] = "summary";
  j["result"] = s.success ? "success" : "fail";
  j["totalSent"] = s.total.sent;
  j["totalBlocked"] = s.total.blocked;
  j["totalCompleted"] = s.total.completed;
  j["totalReceived"] = s.total.received;
  j["durationMs"] = static_cast<std::int64_t>(s.measured_seconds * 1000.0);
  j["sendRate"] = per_second(s.measured.completed, s.measured_seconds);
  j["receiveRate"] = per_second(s.measured.received, s.measured_seconds);
  add_latencies(j, s.aggregated);
  return j;
}

}  // namespace artemis::cli
