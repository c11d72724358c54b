// `artemis perf-journal`: times block writes + fdatasync on the instance's journal disk and
// suggests journal-buffer-timeout (cli.md §5.6). The file lives in the journal directory
// named by etc/broker.xml (else <instance>/data/journal), or at --file.
#include <fmt/core.h>

#include <iostream>
#include <string>

#include "command.hpp"
#include "config/loader.hpp"
#include "journal/sync_rate.hpp"

namespace artemis::cli {
namespace fs = std::filesystem;

namespace {

struct PerfJournalOptions {
  int block_size = 4096;
  int writes = 250;
  int tries = 5;
  bool sync = true;
  std::string journal_type;
  bool sync_writes = false;
  int max_aio = 0;
  std::string file;
  bool force = false;
};

// Artemis prints the rate with DecimalFormat("###.##"): at most two decimals, no trailing zeros.
std::string rate_text(double value) {
  auto text = fmt::format("{:.2f}", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

struct JournalTarget {
  fs::path file;
  std::string journal_type = "ASYNCIO";
};

// Where to write and which journal type the instance uses; nullopt after printing why not.
std::optional<JournalTarget> resolve_target(const Context& ctx, const PerfJournalOptions& o) {
  JournalTarget t;
  if (!ctx.instance) {
    if (o.file.empty()) {
      std::cerr << "artemis perf-journal: no broker instance: run it from an instance "
                   "(<instance>/bin/artemis perf-journal) or pass --file <path>\n";
      return std::nullopt;
    }
    t.file = fs::absolute(o.file);
  } else {
    const auto instance = fs::absolute(*ctx.instance).lexically_normal();
    fs::path journal_dir = instance / "data" / "journal";
    const auto xml = instance / "etc" / "broker.xml";
    if (fs::exists(xml)) {
      const auto loaded = config::load_broker_xml(xml, instance);
      if (!loaded.ok()) {
        for (const auto& e : loaded.errors) std::cerr << e.to_string() << '\n';
        return std::nullopt;
      }
      if (!loaded.config.journal_directory.empty()) journal_dir = loaded.config.journal_directory;
      t.journal_type = std::string(config::to_string(loaded.config.journal.type));
    }
    const fs::path name = o.file.empty() ? fs::path("test.tmp") : fs::path(o.file);
    t.file = name.is_absolute() ? name : journal_dir / name;
  }
  if (!o.journal_type.empty()) t.journal_type = o.journal_type;
  std::error_code ec;
  fs::create_directories(t.file.parent_path(), ec);
  if (ec) {
    std::cerr << "artemis perf-journal: cannot create " << t.file.parent_path().string() << ": "
              << ec.message() << '\n';
    return std::nullopt;
  }
  return t;
}

}  // namespace

void register_perf_journal(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<PerfJournalOptions>();
  auto* cmd = app.add_subcommand(
      "perf-journal", "Calculate the journal-buffer-timeout you should use with your current data folder");
  cmd->add_option("--block-size", opts->block_size, "The block size for each write (default 4096)")
      ->check(CLI::Range(1, 64 * 1024 * 1024));
  cmd->add_option("--writes", opts->writes, "The number of writes to be performed (default 250)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--tries", opts->tries, "The number of tries for the test (default 5)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--sync,!--no-sync", opts->sync, "Sync each write (default true)");
  cmd->add_option("--journal-type", opts->journal_type, "Journal type to be used: ASYNCIO, NIO or MAPPED")
      ->check(CLI::IsMember({"ASYNCIO", "NIO", "MAPPED"}));
  cmd->add_flag("--sync-writes", opts->sync_writes, "Accepted for compatibility; every write is a separate call");
  cmd->add_option("--file", opts->file, "The file name to be used (default test.tmp in the journal directory)");
  cmd->add_option("--max-aio", opts->max_aio, "Accepted for compatibility; writes are not overlapped");
  cmd->add_flag("--f", opts->force, "Run even if the broker is running");
  cmd->callback([&ctx, opts] {
    const auto target = resolve_target(ctx, *opts);
    if (!target) {
      ctx.exit_code = 1;
      return;
    }
    journal::SyncRateOptions so;
    so.file = target->file;
    so.block_size = opts->block_size;
    so.writes = opts->writes;
    so.tries = opts->tries;
    so.sync = opts->sync;
    std::cout << "Auto tuning journal ...\n";
    std::cout << fmt::format("Performing {} tests writing {} blocks of {} on each test, sync={} with journalType = {}\n",
                             so.tries, so.writes, so.block_size, so.sync ? "true" : "false",
                             target->journal_type)
              << std::flush;
    journal::SyncRate rate;
    if (auto ec = journal::measure_sync_rate(so, rate); ec) {
      std::cerr << "artemis perf-journal: the disk test on " << so.file.string()
                << " failed: " << ec.message() << '\n';
      ctx.exit_code = 1;
      return;
    }
    std::cout << "Your system can execute " << rate_text(rate.writes_per_ms) << " writes per millisecond\n";
    std::cout << "Your journal-buffer-timeout should be:" << rate.buffer_timeout_ns << '\n';
    std::cout << "You should use this following configuration:\n\n";
    std::cout << "<journal-buffer-timeout>" << rate.buffer_timeout_ns << "</journal-buffer-timeout>\n";
  });
}

}  // namespace artemis::cli
