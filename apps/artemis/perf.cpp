// `artemis perf client | producer | consumer [destinations…]` (cli.md §5.5): a load generator
// that reports rates every second and latency percentiles from HDR-style histograms. `client`
// runs producers and consumers in one process; the others run one side, so the two sides can
// run on different machines (transfer time then relies on synchronised clocks).
//
// Differences from Artemis (README): --message-count is the total over all producers (a
// consumer-only run stops after that many); every producer and consumer has its own thread
// and connection (--threads and --shared-connections are not offered); non-durable sends
// complete when written, so they have no "send ack time".
#include <fmt/core.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "perf_report.hpp"
#include "perf_workers.hpp"

namespace artemis::cli {

namespace {

using Clock = std::chrono::steady_clock;
enum class PerfRole { client, producer, consumer };

const std::chrono::seconds kSubscribeWait{30};
const std::chrono::seconds kDrainStall{5};  // client: consumers idle this long after sending ends

struct Target {
  client::Destination destination;
  int fanout = 1;  // copies a consumer side receives of each message sent to it
};

std::vector<Target> plan_destinations(const PerfOptions& o, PerfRole role) {
  std::vector<Target> out;
  for (const auto& text : o.destinations) {
    const int copies = std::max(o.num_destinations, 1);
    for (int i = 0; i < copies; ++i) {
      auto d =
          client::Destination::parse(o.num_destinations > 0 ? fmt::format("{}{}", text, i) : text);
      const int consumers = role == PerfRole::producer ? 0 : o.consumers;
      const int fanout = consumers == 0                             ? 0
                         : d.kind == client::DestinationKind::topic ? consumers
                                                                    : 1;
      out.push_back({std::move(d), fanout});
    }
  }
  return out;
}

// Waits for the next tick or a signal (SIGINT/SIGTERM are blocked in every thread, so they
// queue here instead of killing the process). Returns true when a signal arrived.
bool wait_tick(const sigset_t& signals, Clock::time_point until) {
  const auto left = std::max(Clock::duration::zero(), until - Clock::now());
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
  timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
  return sigtimedwait(&signals, nullptr, &ts) > 0;
}

class PerfRun {
 public:
  PerfRun(PerfRole role, PerfOptions& o, ClientSetup& setup, Printer& out)
      : role_(role), o_(o), setup_(setup), out_(out), targets_(plan_destinations(o, role)) {
    shape_.producers = role != PerfRole::consumer;
    shape_.consumers = role != PerfRole::producer;
    shape_.show_latency = o.show_latency;
    shape_.rated = o.rate > 0;
  }

  int run();

 private:
  void start_consumers();
  void start_producers();
  bool finished(Clock::time_point now);
  void report(Clock::time_point now, bool last);
  std::uint64_t expected_received() const;

  PerfRole role_;
  PerfOptions& o_;
  ClientSetup& setup_;
  Printer& out_;
  std::vector<Target> targets_;
  ReportShape shape_;
  Metrics metrics_;
  RunControl control_;
  std::vector<std::thread> threads_;
  std::vector<std::pair<Recorder*, int>> producer_recorders_;  // with the fanout of their target
  int consumer_count_ = 0;
  int producer_count_ = 0;
  Clock::time_point start_;
  Clock::time_point last_tick_;
  Clock::time_point sending_ended_{};
  std::uint64_t last_received_ = 0;
  Clock::time_point last_progress_;
  Summary summary_;
  nlohmann::json samples_ = nlohmann::json::array();
};

void PerfRun::start_consumers() {
  if (role_ == PerfRole::producer) return;
  for (const auto& t : targets_) {
    for (int i = 0; i < o_.consumers; ++i) {
      auto& rec = metrics_.add_recorder();
      const auto name = thread_name("Consumer", t.destination, consumer_count_++);
      threads_.emplace_back([this, &rec, name, d = t.destination] {
        run_consumer(*setup_.connection, name, d, rec, control_, out_);
      });
    }
  }
  const auto deadline = Clock::now() + kSubscribeWait;
  while (control_.subscribed < consumer_count_ && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

void PerfRun::start_producers() {
  if (role_ == PerfRole::consumer) return;
  const int total = static_cast<int>(targets_.size()) * o_.producers;
  int index = 0;
  for (const auto& t : targets_) {
    for (int i = 0; i < o_.producers; ++i, ++index) {
      ProducerPlan plan;
      plan.name = thread_name("Producer", t.destination, index);
      plan.destination = t.destination;
      if (o_.message_count > 0)
        plan.messages = o_.message_count / total + (index < o_.message_count % total ? 1 : 0);
      plan.rate = o_.rate > 0 ? static_cast<double>(o_.rate) / total : 0.0;
      if (o_.message_count > 0 && plan.messages == 0) continue;
      auto& rec = metrics_.add_recorder();
      producer_recorders_.emplace_back(&rec, t.fanout);
      ++producer_count_;
      threads_.emplace_back(
          [this, &rec, plan] { run_producer(o_, *setup_.connection, plan, rec, control_, out_); });
    }
  }
}

std::uint64_t PerfRun::expected_received() const {
  std::uint64_t n = 0;
  for (const auto& [rec, fanout] : producer_recorders_)
    n += rec->totals().completed * static_cast<std::uint64_t>(fanout);
  return n;
}

bool PerfRun::finished(Clock::time_point now) {
  if (o_.duration_s > 0 && now >= start_ + std::chrono::seconds(o_.duration_s + o_.warmup_s))
    control_.stop_sending = true;
  const auto received = metrics_.totals().received;
  if (received != last_received_) {
    last_received_ = received;
    last_progress_ = now;
  }
  switch (role_) {
    case PerfRole::producer:
      return control_.producers_ended == producer_count_;
    case PerfRole::consumer:
      if (o_.message_count > 0 && received >= static_cast<std::uint64_t>(o_.message_count))
        return true;
      return control_.stop_sending || control_.consumers_ended == consumer_count_;
    case PerfRole::client:
      if (control_.producers_ended < producer_count_) return false;
      if (sending_ended_ == Clock::time_point{}) sending_ended_ = now;
      if (control_.failed || control_.consumers_ended == consumer_count_) return true;
      return received >= expected_received() ||
             now - std::max(last_progress_, sending_ended_) >= kDrainStall;
  }
  return true;
}

void PerfRun::report(Clock::time_point now, bool last) {
  Interval in;
  metrics_.take(in);
  in.seconds = std::chrono::duration<double>(now - last_tick_).count();
  in.time = std::chrono::duration<double>(now - start_).count();
  // By when the interval began, so a tick that wakes late on a busy machine still counts the
  // first second of a one-second warm-up as warm-up.
  in.warmup = o_.warmup_s > 0 && in.time - in.seconds < o_.warmup_s - 1e-3;
  last_tick_ = now;
  if (last && in.seconds < 1e-3) return;
  if (!in.warmup) {
    summary_.measured += in.counts;
    summary_.measured_seconds += in.seconds;
    summary_.aggregated.merge(in.latencies);
  }
  if (!o_.common.silent) out_.line(format_interval(in, shape_));
  if (!o_.json.empty()) samples_.push_back(interval_json(in));
}

int PerfRun::run() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals, &previous);  // inherited by every thread started below
  start_consumers();
  start_ = last_tick_ = last_progress_ = Clock::now();
  if (!control_.failed) start_producers();
  auto next_tick = start_ + std::chrono::seconds(1);
  int interrupts = 0;
  for (;;) {
    if (wait_tick(signals, std::min(next_tick, Clock::now() + std::chrono::milliseconds(50)))) {
      control_.stop_sending = true;
      if (++interrupts > 1) break;  // a second Ctrl-C: stop waiting for consumers
    }
    const auto now = Clock::now();
    if (finished(now)) break;
    if (now >= next_tick) {
      report(now, false);
      next_tick += std::chrono::seconds(1);
    }
  }
  control_.stop_sending = true;
  control_.stop_receiving = true;
  for (auto& t : threads_) t.join();
  report(Clock::now(), true);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);

  summary_.success = !control_.failed;
  summary_.total = metrics_.totals();
  out_.line(format_summary(summary_, shape_));
  if (!o_.json.empty()) {
    samples_.push_back(summary_json(summary_));
    std::ofstream f(o_.json);
    f << samples_.dump(2) << '\n';
    if (!f) {
      out_.error(fmt::format("artemis perf: could not write --json {}", o_.json));
      return 1;
    }
  }
  return summary_.success ? 0 : 1;
}

void add_perf_options(CLI::App& cmd, PerfOptions& o, PerfRole role) {
  add_connection_options(cmd, o.common);
  cmd.add_option("destinations", o.destinations,
                 "Destinations: queue://NAME or topic://NAME (default queue://TEST)");
  cmd.add_option("--num-destinations", o.num_destinations,
                 "Use N destinations per name, suffixed 0..N-1")
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--duration", o.duration_s,
                 "Seconds to run after the warm-up (0: until --message-count or Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--warmup", o.warmup_s, "Seconds of warm-up, left out of the summary")
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--message-count", o.message_count, "Messages in total (0: unbounded)")
      ->check(CLI::NonNegativeNumber);
  cmd.add_flag("--show-latency", o.show_latency, "Print latency percentiles");
  cmd.add_option("--json", o.json, "Write every sample and the summary to this file as JSON");
  if (role != PerfRole::consumer) {
    cmd.add_flag("--persistent", o.persistent, "Send durable messages (confirmed by receipt)");
    cmd.add_option("--message-size", o.message_size, "Body size in bytes")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    cmd.add_option("--rate", o.rate, "Messages per second over all producers (0: unbounded)")
        ->check(CLI::NonNegativeNumber);
    cmd.add_option("--producers", o.producers, "Producers per destination")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd.add_option("--max-pending", o.max_pending, "Durable sends in flight per producer")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
  }
  if (role != PerfRole::producer)
    cmd.add_option("--consumers", o.consumers, "Consumers per destination")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
}

void register_role(CLI::App& perf, Context& ctx, PerfRole role, const char* name,
                   const char* what) {
  auto o = std::make_shared<PerfOptions>();
  auto* cmd = perf.add_subcommand(name, what);
  add_perf_options(*cmd, *o, role);
  cmd->callback([&ctx, o, role] {
    Printer out;
    if (o->destinations.empty()) o->destinations.push_back("queue://TEST");
    o->common.destination = o->destinations.front();
    for (const auto& d : o->destinations) {
      if (client::Destination::parse(d).name.empty()) {
        out.error(fmt::format("artemis perf: destination '{}' names no queue or topic", d));
        ctx.exit_code = 1;
        return;
      }
    }
    auto setup = prepare_client("perf", ctx, o->common, out);
    if (!setup) return;
    PerfRun run(role, *o, *setup, out);
    ctx.exit_code = run.run();
  });
}

}  // namespace

void register_perf(CLI::App& app, Context& ctx) {
  auto* perf = app.add_subcommand(
      "perf", "Run a load test: producers and/or consumers with rates and latencies.");
  perf->require_subcommand(1);
  register_role(*perf, ctx, PerfRole::client, "client", "Produce and consume in one process");
  register_role(*perf, ctx, PerfRole::producer, "producer", "Only produce");
  register_role(*perf, ctx, PerfRole::consumer, "consumer", "Only consume");
}

}  // namespace artemis::cli
