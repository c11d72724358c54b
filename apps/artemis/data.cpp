// `artemis data print` (cli.md §5.6): both journals, human-readable, with per-queue message
// counts, then the paging stores (their pages, and per queue the paged messages to consume).
// Directories come from the instance's etc/broker.xml unless --bindings / --journal are given.
// Refuses while <instance>/lock/cli.lock is held (a broker runs) unless --f. The other `data` tools
// (exp, imp, recover, compact, decode, encode) are not provided.
#include <fcntl.h>
#include <unistd.h>

#include <iostream>

#include "command.hpp"
#include "config/loader.hpp"
#include "journal/journal.hpp"
#include "store/journal_printer.hpp"
#include "store/page_printer.hpp"
#include "util/log.hpp"

namespace artemis::cli {
namespace {

namespace fs = std::filesystem;

struct DataPrintOptions {
  std::string bindings;
  std::string journal;
  std::string paging;
  std::string large_messages;
  bool force = false;
  bool skip_bindings = false;
  bool skip_journal = false;
  bool safe = false;
  bool reclaimed = false;
  bool skip_pages = false;
  bool pages = false;
  int max_pages = -1;
};

// Holds an OFD lock on <instance>/lock/cli.lock, the lock `artemis run` keeps; released when
// the fd closes (end of the command or process death).
class DataToolLock {
 public:
  ~DataToolLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  // false: another process holds it.
  bool acquire(const fs::path& lock_dir) {
    std::error_code ec;
    fs::create_directories(lock_dir, ec);
    fd_ = ::open((lock_dir / "cli.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return true;  // cannot even create it: nothing runs from this instance
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    return ::fcntl(fd_, F_OFD_SETLK, &fl) == 0;
  }

 private:
  int fd_ = -1;
};

std::error_code load_journal(journal::Options options, journal::LoadResult& out,
                             const util::Logger& log) {
  // Nothing is appended, so completions never run; the poster runs them inline anyway.
  auto j = journal::make_journal(std::move(options), [](std::function<void()> fn) { fn(); }, log);
  auto ec = j->load(out);
  j->close();
  return ec;
}

int print(const Context& ctx, const DataPrintOptions& o) {
  fs::path bindings_dir = o.bindings, journal_dir = o.journal, paging_dir = o.paging;
  std::int64_t file_size = 10 * 1024 * 1024;
  if (!ctx.instance) {
    std::cerr << "Warning: You are running a data tool outside of any broker instance. Pass "
                 "--bindings and --journal to say where the data is.\n";
  } else {
    const fs::path instance = *ctx.instance;
    if (!o.force) {
      DataToolLock lock;
      if (!lock.acquire(instance / "lock")) {
        std::cerr << "Error: There is another process using the server at "
                  << (instance / "lock").string() << ". Cannot start the process!\n";
        return 1;
      }
    }
    const auto loaded = config::load_broker_xml(instance / "etc" / "broker.xml", instance);
    if (!loaded.ok()) {
      for (const auto& e : loaded.errors) std::cerr << e.to_string() << "\n";
      return 1;
    }
    if (bindings_dir.empty()) bindings_dir = loaded.config.bindings_directory;
    if (journal_dir.empty()) journal_dir = loaded.config.journal_directory;
    if (paging_dir.empty()) paging_dir = loaded.config.paging_directory;
    file_size = loaded.config.journal.file_size;
  }
  for (const auto& [dir, skip] : {std::pair{bindings_dir, o.skip_bindings}, std::pair{journal_dir, o.skip_journal}}) {
    if (skip) continue;
    if (dir.empty() || !fs::is_directory(dir)) {
      std::cerr << "Could not find folder: " << dir.string()
                << ", please pass --bindings, --journal and --paging as arguments\n";
      return 1;
    }
  }
  util::Logger log(stderr, util::Level::warn);
  journal::LoadResult bindings, messages;
  if (!o.skip_bindings) {
    journal::Options b;
    b.directory = bindings_dir;
    b.prefix = "activemq-bindings";
    b.extension = "bindings";
    b.file_size = 1024 * 1024;
    if (auto ec = load_journal(b, bindings, log)) {
      std::cerr << "\nError:could not read the bindings journal in " << bindings_dir.string()
                << ": " << ec.message() << "\n";
      return 0;
    }
  }
  if (!o.skip_journal) {
    journal::Options m;
    m.directory = journal_dir;
    m.file_size = static_cast<std::uint64_t>(file_size);
    if (auto ec = load_journal(m, messages, log)) {
      std::cerr << "\nError:could not read the message journal in " << journal_dir.string()
                << ": " << ec.message() << "\n";
      return 0;
    }
  }
  if (!o.pages)
    store::print_journals(o.skip_bindings ? nullptr : &bindings,
                          o.skip_journal ? nullptr : &messages, std::cout);
  if (!o.skip_pages && !paging_dir.empty())
    store::print_paging(paging_dir, o.skip_bindings ? nullptr : &bindings,
                        o.skip_journal ? nullptr : &messages, {o.max_pages}, std::cout);
  return 0;
}

}  // namespace

void register_data(CLI::App& app, Context& ctx) {
  auto* data = app.add_subcommand("data", "data tools: print the journals");
  data->require_subcommand(1);
  auto opts = std::make_shared<DataPrintOptions>();
  auto* p = data->add_subcommand("print", "print the bindings and message journals");
  p->add_option("--bindings", opts->bindings, "the bindings directory (default: from broker.xml)");
  p->add_option("--journal", opts->journal, "the journal directory (default: from broker.xml)");
  p->add_option("--paging", opts->paging, "the paging directory (default: from broker.xml)");
  p->add_option("--large-messages", opts->large_messages, "the large-messages directory");
  p->add_flag("--f", opts->force, "print even while a broker holds the instance lock");
  p->add_flag("--skip-bindings", opts->skip_bindings, "do not print the bindings journal");
  p->add_flag("--skip-journal", opts->skip_journal, "do not print the message journal");
  p->add_flag("--safe", opts->safe, "accepted for compatibility (message bodies are never printed)");
  p->add_flag("--reclaimed", opts->reclaimed, "accepted for compatibility");
  p->add_option("--max-pages", opts->max_pages, "page files whose records are listed, per address");
  p->add_flag("--pages", opts->pages, "print only the paging stores (the journals are still read)");
  p->add_flag("--skip-pages", opts->skip_pages, "do not print the paging stores");
  p->callback([&ctx, opts] { ctx.exit_code = print(ctx, *opts); });
}

}  // namespace artemis::cli
