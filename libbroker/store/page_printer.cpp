#include "store/page_printer.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "store/cursor_records.hpp"
#include "store/encodings.hpp"
#include "store/page_file.hpp"
#include "store/record_types.hpp"

namespace artemis::store {
namespace {

namespace fs = std::filesystem;

struct CursorState {
  std::set<std::tuple<std::uint64_t, std::uint32_t, std::uint32_t>> acked;  // queue, page, nr
  std::set<std::pair<std::uint64_t, std::uint32_t>> completed;              // queue, page
};

std::map<std::uint64_t, CursorState> cursor_states(const journal::LoadResult* messages) {
  std::map<std::uint64_t, CursorState> out;
  if (messages == nullptr) return out;
  for (const auto& r : messages->records) {
    const std::span<const std::uint8_t> b{r.data.data(), r.data.size()};
    if (r.is_update) continue;
    if (r.user_type == record::page_cursor_ack) {
      if (auto c = decode_cursor_ack(r.id, b))
        out[c->store_id].acked.emplace(c->queue_id, c->page, c->index);
    } else if (r.user_type == record::page_cursor_complete) {
      if (auto c = decode_page_complete(r.id, b))
        out[c->store_id].completed.emplace(c->queue_id, c->page);
    }
  }
  return out;
}

std::map<std::uint64_t, std::string> queue_names(const journal::LoadResult* bindings) {
  std::map<std::uint64_t, std::string> out;
  if (bindings == nullptr) return out;
  for (const auto& r : bindings->records)
    if (r.user_type == record::queue_binding)
      if (auto q = decode_queue(r.id, {r.data.data(), r.data.size()})) out[q->id] = q->name;
  return out;
}

}  // namespace

void print_paging(const fs::path& paging_dir, const journal::LoadResult* bindings,
                  const journal::LoadResult* messages, PagePrintOptions options,
                  std::ostream& out) {
  out << "********************************************\n"
      << "P A G I N G\n"
      << "********************************************\n";
  std::error_code ec;
  std::vector<fs::path> folders;
  if (fs::is_directory(paging_dir, ec))
    for (const auto& e : fs::directory_iterator(paging_dir, ec))
      if (e.is_directory() && fs::exists(e.path() / "address.txt")) folders.push_back(e.path());
  std::sort(folders.begin(), folders.end());
  if (folders.empty()) out << "(no paging stores in " << paging_dir.string() << ")\n";
  const auto cursors = cursor_states(messages);
  const auto names = queue_names(bindings);
  std::vector<std::uint8_t> bytes;
  for (const auto& folder : folders) {
    const auto address = paging_store_address(folder);
    const auto store_name = folder.filename().string();
    const auto cursor = cursors.find(paging_store_id(store_name).value_or(0));
    std::vector<std::uint32_t> pages;
    for (const auto& e : fs::directory_iterator(folder, ec))
      if (auto n = page_number_of(e.path().filename().string())) pages.push_back(*n);
    std::sort(pages.begin(), pages.end());
    out << "Store " << store_name << " address=" << address << " pages=" << pages.size() << "\n";
    std::map<std::uint64_t, std::uint64_t> pending;  // queue -> paged messages not yet acked
    int listed = 0;
    for (const auto page : pages) {
      const auto path = folder / page_file_name(page);
      if (auto rc = read_file(path, bytes)) {
        out << "  page " << page << ": cannot be read: " << rc.message() << "\n";
        continue;
      }
      const bool list = options.max_pages < 0 || listed < options.max_pages;
      ++listed;
      std::uint32_t nr = 0;
      const auto scan = scan_page(bytes, [&](const PagedHeader& h,
                                             std::span<const std::uint8_t> p) {
        std::string queues;
        for (std::size_t i = 0; i < h.queue_count(); ++i) {
          const auto q = h.queue_id(i);
          const bool done = cursor != cursors.end() && (cursor->second.completed.count({q, page}) ||
                                                        cursor->second.acked.count({q, page, nr}));
          if (!done) ++pending[q];
          queues += (i ? ", " : "") + std::to_string(q) + (done ? " (ACK)" : " (OK)");
        }
        if (list) {
          out << "pg=" << page << ", msg=" << nr << ",pgTX=" << h.tx_id << ",";
          if (const auto m = decode_paged_message(p))
            out << "messageID=" << m->message.id << ",durable=" << (h.durable ? "true" : "false")
                << ",bodySize=" << m->message.body.size();
          else
            out << "<does not decode>";
          out << ",Queues = " << queues << "\n";
        }
        ++nr;
        return true;
      });
      out << "  page " << page << ": " << scan.records << " records, " << scan.valid_bytes
          << " bytes" << (scan.suspect ? " (torn tail ignored)" : "") << "\n";
    }
    for (const auto& [q, n] : pending) {
      auto name = names.find(q);
      out << "  queue id " << q << " (" << (name == names.end() ? "?" : name->second) << "): " << n
          << " paged messages to consume\n";
    }
  }
  out << "\n";
}

}  // namespace artemis::store
