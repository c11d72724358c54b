// Journal auto-tune for `artemis create`; runs once on the main thread, a few hundred ms of I/O.
#include "create_autotune.hpp"

#include <fmt/format.h>

#include <ostream>

#include "journal/sync_rate.hpp"

namespace artemis::cli {

std::string format_rate(double writes_per_ms) {
  std::string text = fmt::format("{:.2f}", writes_per_ms);
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

namespace {

void set_sections(Placeholders& map, const std::string& rate, std::int64_t journal_ns,
                  std::int64_t page_ns, int max_io) {
  map.set("writesPerMillisecond", rate);
  map.set("maxaio", std::to_string(max_io));
  map.set("nanoseconds", std::to_string(journal_ns));
  map.set_snippet("journal-buffer.settings", "snippets/journal-buffer-settings.txt");
  map.set("nanoseconds", std::to_string(page_ns));
  map.set_snippet("page-sync.settings", "snippets/page-sync-settings.txt");
}

}  // namespace

void autotune_journal(Placeholders& map, const CreateOptions& o, JournalType journal,
                      const std::filesystem::path& data_dir, std::ostream& out, std::ostream& err) {
  int max_io = journal == JournalType::asyncio ? o.journal_max_io : 1;
  out << "\nAuto tuning journal ...\n";
  out.flush();
  if (journal == JournalType::mapped && o.no_fsync) {
    out << "...Since you disabled sync and are using MAPPED journal, we are diabling buffer times\n";
    set_sections(map, "0", 0, 0, 1);
    return;
  }
  journal::SyncRateOptions options;
  options.file = data_dir / "journal-test.tmp";
  options.block_size = 4096;
  options.sync = !o.no_fsync;
  journal::SyncRate rate;
  if (auto ec = journal::measure_sync_rate(options, rate); ec || rate.writes_per_ms <= 0) {
    err << "Couldn't perform sync calculation, using default values"
        << (ec ? " (" + options.file.string() + ": " + ec.message() + ")" : std::string()) << "\n";
    map.set("journal-buffer.settings", "");
    map.set("page-sync.settings", "");
    return;
  }
  // This broker has one journal engine for every journal type, so the page-sync measurement
  // Artemis repeats with NIO would time the very same writes: reuse the one result.
  std::int64_t page_ns = o.no_fsync ? 0 : rate.buffer_timeout_ns;
  std::string text = format_rate(rate.writes_per_ms);
  set_sections(map, text, rate.buffer_timeout_ns, page_ns, max_io);
  out << "done! Your system can make " << text
      << " writes per millisecond, your journal-buffer-timeout will be " << rate.buffer_timeout_ns
      << "\n";
}

}  // namespace artemis::cli
