#pragma once
// Usage text in the layout of Artemis's `artemis help` (cli reference §1.4), generated from the
// CLI11 App tree so every registered command is described without a second list to maintain.
#include <CLI/CLI.hpp>

#include <string>

namespace artemis::cli {

// Root: "Usage: artemis [COMMAND]", description, "Commands:" rows.
// Command: synopsis, description, one row per option sorted by name (hidden ones left out),
// then its own subcommands if it has any.
std::string usage_text(const CLI::App& app);

// Words of `text` wrapped to lines of at most `width` columns, continuation lines indented.
std::string wrap(const std::string& text, std::size_t first_indent, std::size_t indent,
                 std::size_t width);

}  // namespace artemis::cli
