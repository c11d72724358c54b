#include "perf_workers.hpp"

#include <fmt/core.h>

#include <thread>

#include "client/errors.hpp"
#include "client/session.hpp"

namespace artemis::cli {

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t system_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void report_failure(const std::string& name, const std::exception& e, RunControl& control,
                    Printer& out) {
  out.error(fmt::format("{} failed: {}", name, describe_failure("perf", e)));
  control.failed = true;
  control.stop_sending = true;
}

}  // namespace

void run_producer(const PerfOptions& o, client::Connection& connection, const ProducerPlan& plan,
                  Recorder& recorder, RunControl& control, Printer& out) {
  try {
    auto session = connection.create_session(client::Transacted::no);
    session->set_send_window(static_cast<std::size_t>(o.max_pending));
    // Sends go out in batches; on a schedule, what is held goes before each pause, so a send
    // waits only while the producer is behind its schedule.
    session->hold_writes(true);
    // With receipts the broker's confirmation completes a send; without them, writing it does.
    const bool confirmed = o.persistent ? connection.url().block_on_durable_send
                                        : connection.url().block_on_non_durable_send;
    session->on_confirm([&recorder](Clock::duration d) {
      recorder.send_time(d);
      recorder.completed();
    });
    auto producer = session->create_producer(plan.destination);
    client::Message message;
    message.type = client::BodyType::bytes;
    message.body.assign(static_cast<std::size_t>(o.message_size), 'x');
    message.delivery =
        o.persistent ? client::Delivery::persistent : client::Delivery::non_persistent;
    const auto period = plan.rate > 0 ? std::chrono::duration<double>(1.0 / plan.rate)
                                      : std::chrono::duration<double>(0);
    const auto start = Clock::now();
    for (std::int64_t n = 0; !control.stop_sending && (plan.messages == 0 || n < plan.messages);
         ++n) {
      if (plan.rate > 0) {
        // Sends follow a fixed schedule; a late one is measured from when it was due, so a
        // stalled broker shows in "send delay time" instead of silently slowing the load.
        const auto due =
            start + std::chrono::duration_cast<Clock::duration>(period * static_cast<double>(n));
        if (Clock::now() < due) {
          session->release_writes();
          std::this_thread::sleep_until(due);
        }
        recorder.delay_send(Clock::now() - due);
      }
      message.properties.erase(std::string(client::kDuplicateIdHeader));
      message.properties[kSentAtHeader] = std::to_string(system_micros());
      producer.send(message);
      recorder.sent();
      if (!confirmed) recorder.completed();
      recorder.set_blocked(session->blocked_sends());
    }
    session->flush();
    session->close();
  } catch (const std::exception& e) {
    report_failure(plan.name, e, control, out);
  }
  ++control.producers_ended;
}

void run_consumer(client::Connection& connection, const std::string& name,
                  const client::Destination& destination, Recorder& recorder, RunControl& control,
                  Printer& out) {
  bool counted_subscribed = false;
  try {
    auto session = connection.create_session(client::Transacted::no);
    // Acknowledged automatically, as Artemis's perf consumer does: no ACK frame per message.
    client::ConsumerOptions options;
    options.auto_ack = true;
    auto consumer = session->create_consumer(destination, options);
    session->hold_writes(true);  // acknowledgements go out whenever the consumer waits
    ++control.subscribed;
    counted_subscribed = true;
    while (!control.stop_receiving) {
      auto m = consumer.receive(std::chrono::milliseconds(100));
      if (!m) continue;
      recorder.received();
      if (const auto* sent = m->property(kSentAtHeader)) {
        try {
          recorder.transfer_time(std::chrono::microseconds(system_micros() - std::stoll(*sent)));
        } catch (const std::exception&) {
          // Not one of ours (another tool's message on the same queue): counted, not timed.
        }
      }
    }
    session->close();
  } catch (const std::exception& e) {
    report_failure(name, e, control, out);
    if (!counted_subscribed) ++control.subscribed;  // let the start-up wait end
  }
  ++control.consumers_ended;
}

}  // namespace artemis::cli
