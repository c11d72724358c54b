#pragma once
// `artemis data print`'s paging part: for each paging store (a folder of the paging directory)
// its address, its page files and, per queue, how many paged messages the queue has still to
// consume (the records for it minus its cursor acks and completed pages in the message
// journal). With `records`, every record of every page too (message id, queues, durable, size).
#include <filesystem>
#include <ostream>

#include "journal/journal.hpp"

namespace artemis::store {

struct PagePrintOptions {
  bool records = false;  // --pages: walk every record
  int max_pages = -1;    // --max-pages: pages listed per store (-1: all)
};

// `messages` (may be null) supplies the cursor records; `bindings` (may be null) queue names.
void print_paging(const std::filesystem::path& paging_dir, const journal::LoadResult* bindings,
                  const journal::LoadResult* messages, PagePrintOptions options, std::ostream& out);

}  // namespace artemis::store
