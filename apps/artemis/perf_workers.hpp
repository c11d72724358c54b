#pragma once
// The threads of `artemis perf`: each producer and each consumer has its own session (one
// STOMP connection) and its own Recorder. The command's main thread owns RunControl and
// decides when they stop.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "client/connection.hpp"
#include "client/destination.hpp"
#include "client_options.hpp"
#include "perf_metrics.hpp"

namespace artemis::cli {

struct PerfOptions {
  ClientOptions common;
  std::vector<std::string> destinations;
  int num_destinations = 0;  // > 0: each destination becomes N, suffixed 0..N-1
  int duration_s = 0;        // 0: until --message-count or Ctrl-C
  int warmup_s = 0;
  std::int64_t message_count = 0;  // 0: unbounded
  int message_size = 1024;
  bool persistent = false;
  std::int64_t rate = 0;  // msg/s over all producers; 0: as fast as possible
  int producers = 1;      // per destination
  int consumers = 1;      // per destination
  int max_pending = 1;    // durable sends in flight per producer
  bool show_latency = false;
  std::string json;
};

struct RunControl {
  std::atomic<bool> stop_sending{false};  // duration over, Ctrl-C or a failure
  std::atomic<bool> stop_receiving{false};
  std::atomic<int> subscribed{0};
  std::atomic<int> consumers_ended{0};
  std::atomic<int> producers_ended{0};
  std::atomic<bool> failed{false};
};

// Header carrying the send time (microseconds of the system clock) to measure transfer time.
inline constexpr const char* kSentAtHeader = "perf-sent-us";

struct ProducerPlan {
  std::string name;
  client::Destination destination;
  std::int64_t messages = 0;  // 0: until stop_sending
  double rate = 0;            // msg/s for this producer; 0: unbounded
};

void run_producer(const PerfOptions& o, client::Connection& connection, const ProducerPlan& plan,
                  Recorder& recorder, RunControl& control, Printer& out);
void run_consumer(client::Connection& connection, const std::string& name,
                  const client::Destination& destination, Recorder& recorder, RunControl& control,
                  Printer& out);

}  // namespace artemis::cli
