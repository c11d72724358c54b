#pragma once
// Journal auto-tune of `artemis create` (cli reference §2.6): times synced block writes in the
// data directory and fills the journal-buffer-timeout / journal-max-io / page-sync-timeout
// snippets of broker.xml with the result.
#include <filesystem>
#include <iosfwd>
#include <string>

#include "create_options.hpp"
#include "create_template.hpp"

namespace artemis::cli {

// Measures (unless the journal is MAPPED without fsync, which needs no batching) and sets
// `${journal-buffer.settings}` and `${page-sync.settings}` in `map`. Prints progress to `out`;
// on a failed measurement warns on `err` and leaves both sections empty.
void autotune_journal(Placeholders& map, const CreateOptions& o, JournalType journal,
                      const std::filesystem::path& data_dir, std::ostream& out, std::ostream& err);

// writes/ms as Artemis prints it: at most two decimals, no trailing zeros ("62.5", "3", "0.27").
std::string format_rate(double writes_per_ms);

}  // namespace artemis::cli
