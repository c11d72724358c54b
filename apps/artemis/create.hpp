#pragma once
// `artemis create <directory>`: scaffolds a broker instance (cli reference §2). Callable from
// tests with any streams; returns the exit code.
#include <iosfwd>

#include "command.hpp"
#include "create_options.hpp"
#include "create_prompt.hpp"

namespace artemis::cli {

int run_create(CreateOptions o, const Context& ctx, Interactive interactive, std::istream& in,
               std::ostream& out, std::ostream& err);

}  // namespace artemis::cli
