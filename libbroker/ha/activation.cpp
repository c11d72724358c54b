#include "ha/activation.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "ha/errors.hpp"
#include "ha/log_codes.hpp"
#include "ha/node_manager.hpp"
#include "util/assert.hpp"

namespace artemis::ha {

std::string_view to_string(Phase phase) {
  switch (phase) {
    case Phase::starting: return "starting";
    case Phase::waiting_for_backup: return "waiting_for_backup";
    case Phase::passive_backup: return "passive_backup";
    case Phase::waiting_for_live: return "waiting_for_live";
    case Phase::activating: return "activating";
    case Phase::active: return "active";
    case Phase::deactivating: return "deactivating";
    case Phase::failed_back: return "failed_back";
    case Phase::stopped: return "stopped";
  }
  return "?";
}

std::string_view to_string(StopReason reason) {
  switch (reason) {
    case StopReason::requested: return "requested";
    case StopReason::lock_lost: return "lock_lost";
    case StopReason::activation_failed: return "activation_failed";
    case StopReason::failed_back: return "failed_back";
    case StopReason::lock_timeout: return "lock_timeout";
    case StopReason::io_error: return "io_error";
  }
  return "?";
}

ActivationOptions ActivationOptions::from(const config::BrokerConfig& config) {
  ActivationOptions o;
  o.lock_directory = config.node_manager_lock_directory.empty() ? config.journal_directory
                                                                : config.node_manager_lock_directory;
  o.policy = config.ha_policy;
  o.broker_name = config.name;
  o.lock_acquisition_timeout_ms = config.journal.lock_acquisition_timeout_ms;
  return o;
}

namespace {

// What the state machine does next after one role's run.
enum class Next { stop, restart_as_backup };

// Shared with callbacks posted to the broker thread, so a late done() after the Activation is
// gone touches only this block.
struct Sync {
  std::mutex mutex;
  std::condition_variable cv;
  bool stop_requested = false;
  bool abandoned = false;  // the Activation is being destroyed: stop waiting for hooks
};

}  // namespace

struct Activation::Impl {
  Impl(ActivationOptions o, util::Scheduler& b, const util::Logger& l, ActivationHooks h)
      : options(std::move(o)),
        broker(b),
        log(l),
        hooks(std::move(h)),
        nodes(NodeManagerOptions{options.lock_directory, options.lock_wait, options.lock_poll,
                                 options.lock_acquisition_timeout_ms}) {}

  ActivationOptions options;
  util::Scheduler& broker;
  const util::Logger& log;
  ActivationHooks hooks;
  NodeManager nodes;
  std::shared_ptr<Sync> sync = std::make_shared<Sync>();
  std::thread thread;
  std::atomic<Phase> phase{Phase::starting};
  mutable std::mutex id_mutex;
  std::optional<util::Uuid> node_id;
  StopReason reason = StopReason::requested;  // activation thread only

  bool is_backup() const { return options.policy.role == config::HaRole::backup; }

  bool stop_requested() {
    std::lock_guard lock(sync->mutex);
    return sync->stop_requested;
  }
  bool abandoned() {
    std::lock_guard lock(sync->mutex);
    return sync->abandoned;
  }
  // Sleeps up to `d`; returns true if a stop was requested (at once, not after `d`).
  bool sleep_or_stop(std::chrono::milliseconds d) {
    std::unique_lock lock(sync->mutex);
    return sync->cv.wait_for(lock, d, [&] { return sync->stop_requested; });
  }

  void set_phase(Phase p) {
    phase = p;
    if (hooks.on_phase && !abandoned()) {
      auto fn = hooks.on_phase;
      broker.post([fn, p] { fn(p); });
    }
  }

  // Posts hooks.activate to the broker thread and waits for its done(ok).
  bool call_activate() {
    if (!hooks.activate) return true;
    auto result = std::make_shared<std::optional<bool>>();
    auto s = sync;
    auto fn = hooks.activate;
    broker.post([fn, s, result] {
      fn([s, result](bool ok) {
        std::lock_guard lock(s->mutex);
        if (!result->has_value()) *result = ok;
        s->cv.notify_all();
      });
    });
    std::unique_lock lock(sync->mutex);
    sync->cv.wait(lock, [&] { return result->has_value() || sync->abandoned; });
    return result->has_value() && **result;
  }

  void call_deactivate() {
    if (!hooks.deactivate) return;
    auto finished = std::make_shared<bool>(false);
    auto s = sync;
    auto fn = hooks.deactivate;
    broker.post([fn, s, finished] {
      fn([s, finished] {
        std::lock_guard lock(s->mutex);
        *finished = true;
        s->cv.notify_all();
      });
    });
    std::unique_lock lock(sync->mutex);
    sync->cv.wait(lock, [&] { return *finished || sync->abandoned; });
  }

  // Lock waits end with `interrupted` on stop(); any other error is fatal for the activation.
  Next fail(std::error_code ec, std::string_view what) {
    if (ec == errc::interrupted) {
      reason = StopReason::requested;
    } else if (ec == errc::timed_out) {
      log.log(log_codes::init_failure, fmt::format("{}: {}", what, ec.message()));
      reason = StopReason::lock_timeout;
    } else {
      log.log(log_codes::init_failure,
              fmt::format("{} in {}: {}", what, nodes.directory().string(), ec.message()));
      reason = StopReason::io_error;
    }
    return Next::stop;
  }

  void run() {
    set_phase(Phase::starting);
    if (auto ec = nodes.start()) {
      fail(ec, "opening the node manager lock files");
      return finish();
    }
    {
      std::lock_guard lock(id_mutex);
      node_id = nodes.node_id();
    }
    bool as_backup = is_backup();
    for (;;) {
      const Next next = as_backup ? run_backup() : run_primary();
      if (next == Next::stop) break;
      as_backup = true;  // restart-backup after a failback
    }
    finish();
  }

  void finish() {
    nodes.stop();  // closes the files: drops any lock still held
    phase = Phase::stopped;
    if (abandoned()) return;
    if (hooks.on_phase) {
      auto fn = hooks.on_phase;
      broker.post([fn] { fn(Phase::stopped); });
    }
    if (hooks.on_stopped) {
      auto fn = hooks.on_stopped;
      auto r = reason;
      broker.post([fn, r] { fn(r); });
    }
  }

  // reference/ha.md §3.1: 'F' before contending, 'L' only once serving.
  Next run_primary() {
    log.log(log_codes::waiting_for_primary_lock);
    if (auto ec = nodes.write_state(NodeState::failing_back)) return fail(ec, "writing state F");
    log.log(log_codes::waiting_for_primary_lock_for,
            options.lock_acquisition_timeout_ms < 0
                ? std::string("indefinitely")
                : fmt::format("{} milliseconds", options.lock_acquisition_timeout_ms));
    bool got = false;
    if (auto ec = nodes.try_lock_live(got)) return fail(ec, "trying the primary lock");
    if (!got) {
      // Another node serves our journal (an active backup, or a second primary): wait, and
      // let the broker announce us as that node's backup meanwhile.
      set_phase(Phase::waiting_for_live);
      if (auto ec = nodes.lock_live()) return fail(ec, "waiting for the primary lock");
    }
    log.log(log_codes::obtained_primary_lock);
    return serve(/*activated_backup=*/false);
  }

  // reference/ha.md §3.2: the backup lock first, then the live lock; activate only on 'L'.
  Next run_backup() {
    set_phase(Phase::waiting_for_backup);
    log.log(log_codes::waiting_to_become_backup);
    if (auto ec = nodes.lock_backup()) return fail(ec, "waiting for the backup lock");
    log.log(log_codes::got_backup_lock);
    log.log(log_codes::backup_started, ARTEMIS_VERSION, nodes.node_id().to_string());
    set_phase(Phase::passive_backup);
    for (;;) {
      // Only a node that died (or handed over) while live leaves 'L'. While the state is
      // anything else there is nothing to take over, so watch the state byte instead of
      // cycling the lock; a primary always writes 'F' before contending.
      NodeState state{};
      if (auto ec = nodes.read_state(state)) return fail(ec, "reading the node state");
      if (state != NodeState::live) {
        if (sleep_or_stop(options.state_poll)) return fail(errc::interrupted, "");
        continue;
      }
      if (auto ec = nodes.lock_live()) return fail(ec, "waiting for the primary lock");
      if (auto ec = nodes.read_state(state)) return fail(ec, "reading the node state");
      if (state == NodeState::live) break;
      // 'F': a primary wants the journal; 'P': the owner left on purpose. Let go.
      if (auto ec = nodes.unlock_live()) return fail(ec, "releasing the primary lock");
      if (sleep_or_stop(options.state_poll)) return fail(errc::interrupted, "");
    }
    return serve(/*activated_backup=*/true);
  }

  // Holds the live lock: activate, then watch the lock until stop, loss or failback.
  Next serve(bool activated_backup) {
    BROKER_ASSERT(nodes.holds_live(), "serving without the live lock in {}",
                  nodes.directory().string());
    set_phase(Phase::activating);
    if (!call_activate()) {
      nodes.unlock_live();
      if (activated_backup) nodes.unlock_backup();
      reason = StopReason::activation_failed;
      return Next::stop;
    }
    if (activated_backup) {
      log.log(log_codes::backup_active);
      nodes.unlock_backup();  // the next backup may queue up
    } else if (auto ec = nodes.write_state(NodeState::live)) {
      log.log(log_codes::lost_lock, nodes.directory().string(), ec.message());
      return deactivate_and_stop(StopReason::lock_lost);
    }
    set_phase(Phase::active);

    const bool watch_failback = activated_backup && options.policy.allow_failback;
    auto next_ownership_check = std::chrono::steady_clock::now() + options.monitor_period;
    const auto tick = std::min(options.state_poll, options.monitor_period);
    for (;;) {
      if (sleep_or_stop(tick)) return graceful_stop();
      if (std::chrono::steady_clock::now() >= next_ownership_check) {
        next_ownership_check = std::chrono::steady_clock::now() + options.monitor_period;
        if (auto ec = nodes.check_live_ownership()) {
          log.log(log_codes::lost_lock, (nodes.directory() / live_lock_file_name).string(),
                  ec.message());
          return deactivate_and_stop(StopReason::lock_lost);
        }
      }
      NodeState state{};
      if (auto ec = nodes.read_state(state)) {
        log.log(log_codes::lost_lock, (nodes.directory() / state_file_name).string(),
                ec.message());
        return deactivate_and_stop(StopReason::lock_lost);
      }
      if (state != NodeState::live && state != NodeState::failing_back) {
        // Nobody but the holder of the live lock writes anything but 'F'.
        log.log(log_codes::lost_lock, (nodes.directory() / state_file_name).string(),
                fmt::format("state changed to '{}' under us", static_cast<char>(state)));
        return deactivate_and_stop(StopReason::lock_lost);
      }
      if (watch_failback && state == NodeState::failing_back) return fail_back();
    }
  }

  Next graceful_stop() {
    set_phase(Phase::deactivating);
    call_deactivate();
    if (abandoned()) return Next::stop;  // crash semantics: no state write
    if (!options.policy.failover_on_shutdown) {
      // Paused: the backup sees 'P' and stays passive.
      if (auto ec = nodes.write_state(NodeState::paused))
        log.plain(util::Level::warn, log_codes::server_logger, "could not write state P in {}: {}",
                  nodes.directory().string(), ec.message());
    }
    nodes.unlock_live();  // 'L' left in place with failover-on-shutdown: the backup takes over
    reason = StopReason::requested;
    return Next::stop;
  }

  Next deactivate_and_stop(StopReason why) {
    set_phase(Phase::deactivating);
    call_deactivate();
    nodes.unlock_live();
    reason = why;
    return Next::stop;
  }

  // reference/ha.md §3.5: a primary wrote 'F' and waits for the lock. Stop serving, let go of
  // the live lock leaving 'F', and (restart-backup) wait for its 'L' before becoming a backup.
  Next fail_back() {
    log.log(log_codes::primary_wants_restart);
    set_phase(Phase::deactivating);
    call_deactivate();
    if (auto ec = nodes.unlock_live()) {
      log.log(log_codes::restart_failed, ec.message());
      reason = StopReason::io_error;
      return Next::stop;
    }
    if (!options.policy.restart_backup) {
      reason = StopReason::failed_back;
      return Next::stop;
    }
    set_phase(Phase::failed_back);
    for (;;) {
      NodeState state{};
      if (auto ec = nodes.read_state(state)) return fail(ec, "reading the node state");
      if (state == NodeState::live) return Next::restart_as_backup;
      if (sleep_or_stop(options.state_poll)) return fail(errc::interrupted, "");
    }
  }
};

Activation::Activation(ActivationOptions options, util::Scheduler& broker, const util::Logger& log,
                       ActivationHooks hooks)
    : impl_(std::make_unique<Impl>(std::move(options), broker, log, std::move(hooks))) {}

Activation::~Activation() {
  {
    std::lock_guard lock(impl_->sync->mutex);
    impl_->sync->abandoned = true;
    impl_->sync->stop_requested = true;
  }
  impl_->sync->cv.notify_all();
  impl_->nodes.interrupt();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void Activation::start() {
  BROKER_ASSERT(!impl_->thread.joinable(), "Activation::start called twice");
  impl_->thread = std::thread([this] { impl_->run(); });
}

void Activation::stop() {
  {
    std::lock_guard lock(impl_->sync->mutex);
    impl_->sync->stop_requested = true;
  }
  impl_->sync->cv.notify_all();
  impl_->nodes.interrupt();
}

Phase Activation::phase() const { return impl_->phase.load(); }

std::optional<util::Uuid> Activation::node_id() const {
  std::lock_guard lock(impl_->id_mutex);
  return impl_->node_id;
}

bool Activation::is_backup_config() const { return impl_->is_backup(); }

}  // namespace artemis::ha
