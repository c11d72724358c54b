#pragma once
// Human-readable dumps of the two journals for `artemis data print`: every surviving record
// decoded with its type name, then summaries (records per type, and messages per queue).
// Works on what Journal::load() returned; writes nothing to the journals.
#include <ostream>

#include "journal/journal.hpp"

namespace artemis::store {

struct PrintSummary {
  std::size_t bindings_records = 0;
  std::size_t message_records = 0;
  std::size_t undecodable = 0;
};

// Either pointer may be null (--skip-bindings / --skip-journal). Queue names for the message
// counts come from the bindings when they are given.
PrintSummary print_journals(const journal::LoadResult* bindings,
                            const journal::LoadResult* messages, std::ostream& out);

}  // namespace artemis::store
