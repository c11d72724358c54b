#pragma once
// Shared-store activation: the state machines that decide when this node serves.
//
//   primary: write 'F' (failing back) -> wait for the live lock (serverlock.1) -> hooks.activate
//            -> write 'L' -> serve, with a lock monitor; a graceful stop writes 'P' first
//            (failover-on-shutdown=false) or leaves 'L' (true: the backup takes over).
//   backup:  take the backup lock (serverlock.2) -> passive (no acceptors) -> wait for the live
//            lock; re-read the state: 'L' -> hooks.activate, release the backup lock, serve;
//            '0'/'N'/'P'/'F' -> release and wait again. Once active, with allow-failback, a state
//            of 'F' (a primary wants its journal back) makes it deactivate, release the live lock
//            leaving 'F', and (restart-backup) wait for 'L' and become a passive backup again.
//
// Invariants (never two active nodes): only the holder of the live lock activates; a primary
// writes 'F' before contending; a backup re-checks the state after getting the lock; 'L' is
// written only after activation completed. See ha/node_manager.hpp for the files.
//
// Threads: the state machine runs on its own activation thread (blocking lock waits live there
// and in NodeManager's waiter). Every hook runs on the broker thread: the activation posts it
// through the util::Scheduler it was given, then waits for the hook's `done`. `done` may be
// called from any thread, exactly once. Nothing here ever blocks the broker thread.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/broker_config.hpp"
#include "util/log.hpp"
#include "util/scheduler.hpp"
#include "util/uuid.hpp"

namespace artemis::ha {

// Where the activation is; reported to hooks.on_phase on the broker thread.
enum class Phase {
  starting,              // node manager opening the lock files
  waiting_for_backup,    // backup: queued on the backup lock (AMQ221032)
  passive_backup,        // backup: holds the backup lock, waits for the live lock (AMQ221109)
  waiting_for_live,      // primary: wrote 'F', the live lock is held by another node: waits
  activating,            // holds the live lock; hooks.activate running
  active,                // serving; holds the live lock
  deactivating,          // hooks.deactivate running (stop, failback or lost lock)
  failed_back,           // ex-active backup waiting for the primary's 'L' before restarting
  stopped,               // final; hooks.on_stopped was posted
};
std::string_view to_string(Phase phase);

// Why the activation ended (hooks.on_stopped).
enum class StopReason {
  requested,          // stop() was called (graceful shutdown)
  lock_lost,          // the monitor found the live lock gone (AMQ222010): stop at once
  activation_failed,  // hooks.activate reported done(false)
  failed_back,        // failback with restart-backup=false: this node stays stopped
  lock_timeout,       // journal-lock-acquisition-timeout expired (AMQ224000)
  io_error,           // the lock directory is unusable (message logged)
};
std::string_view to_string(StopReason reason);

// What the broker does when the activation asks. All run on the broker thread.
struct ActivationHooks {
  // Load the store (journal, bindings) and open the acceptors, then call done(true) once the
  // broker serves clients; done(false) if it cannot (the activation releases the live lock and
  // stops with activation_failed). Called again after a failback when restart-backup is on, so
  // the broker must be able to activate after a deactivate.
  std::function<void(std::function<void(bool ok)> done)> activate;
  // Stop serving: DISCONNECT/close client connections, close the acceptors, close the store.
  // Call done() when nothing more will be written to the journal: only then is the live lock
  // released. Not called for a node that never activated.
  std::function<void(std::function<void()> done)> deactivate;
  // Optional: every phase change. The broker starts announcing itself as backup while
  // passive_backup / waiting_for_live (cluster::BackupAnnouncer) and stops at activating.
  std::function<void(Phase phase)> on_phase;
  // The activation is over (after deactivate, if the node was active). The broker stops its
  // io_context and exits (non-zero unless reason == requested / failed_back).
  std::function<void(StopReason reason)> on_stopped;
};

// How the node manager waits for a lock held by someone else.
enum class LockWaitMode {
  blocking,  // F_OFD_SETLKW on a dedicated thread: woken the instant the holder dies
  polling,   // F_OFD_SETLK every poll interval (file systems with unreliable blocking locks)
};

struct ActivationOptions {
  std::filesystem::path lock_directory;   // node-manager-lock-directory (default: journal dir)
  config::HaPolicyConfig policy;          // role primary or backup (none = primary, no backup)
  std::string broker_name;                // for log lines
  LockWaitMode lock_wait = LockWaitMode::blocking;
  std::chrono::milliseconds lock_poll{100};      // polling mode interval (and blocking fallback)
  std::chrono::milliseconds state_poll{50};      // backup: state re-read while '0'/'N'/'P'/'F'
  std::chrono::milliseconds monitor_period{250}; // active node: live-lock ownership check
  std::int64_t lock_acquisition_timeout_ms = -1; // journal-lock-acquisition-timeout; -1 = forever

  // From broker.xml: node_manager_lock_directory (or journal_directory), ha_policy, name,
  // journal.lock_acquisition_timeout_ms.
  static ActivationOptions from(const config::BrokerConfig& config);
};

class Activation {
 public:
  // `broker` is the broker thread's scheduler; every hook is posted through it.
  Activation(ActivationOptions options, util::Scheduler& broker, const util::Logger& log,
             ActivationHooks hooks);
  Activation(const Activation&) = delete;
  Activation& operator=(const Activation&) = delete;
  // Normal order: stop(), wait for hooks.on_stopped, then destroy. Destroying earlier abandons
  // pending hooks (their done() is ignored), releases the locks without a state write and joins.
  ~Activation();

  // Starts the activation thread. Any thread, once.
  void start();
  // Graceful stop, any thread, non-blocking, idempotent. If active: hooks.deactivate, then the
  // live lock is released after writing 'P' (failover-on-shutdown=false) or leaving 'L' (true).
  // If passive: the lock waits are interrupted and the backup lock released. Then on_stopped.
  void stop();

  Phase phase() const;                       // any thread
  std::optional<util::Uuid> node_id() const; // known once the node manager started; any thread
  bool is_backup_config() const;             // configured as backup (slave)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace artemis::ha
