#pragma once
// `artemis data print`'s paging part, as Artemis prints it: for each paging store (a folder of
// the paging directory) its address and every record of its pages (up to max_pages pages),
//   pg=<page>, msg=<nr>,pgTX=<tx>,messageID=…,durable=…,bodySize=…,Queues = <id> (ACK|OK), …
// where ACK means that queue has consumed it (a cursor ack or a completed page in the message
// journal) and OK that it is still to be consumed; then, per queue, how many are still to come.
#include <filesystem>
#include <ostream>

#include "journal/journal.hpp"

namespace artemis::store {

struct PagePrintOptions {
  int max_pages = -1;  // --max-pages: pages whose records are listed, per store (-1: all)
};

// `messages` (may be null) supplies the cursor records; `bindings` (may be null) queue names.
void print_paging(const std::filesystem::path& paging_dir, const journal::LoadResult* bindings,
                  const journal::LoadResult* messages, PagePrintOptions options, std::ostream& out);

}  // namespace artemis::store
