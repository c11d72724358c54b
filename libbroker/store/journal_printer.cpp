#include "store/journal_printer.hpp"

#include <map>
#include <set>

#include "store/cursor_records.hpp"
#include "store/encodings.hpp"
#include "store/record_types.hpp"

namespace artemis::store {
namespace {

constexpr std::string_view stars = "********************************************";

void banner(std::ostream& out, std::string_view title) {
  out << stars << "\n" << title << "\n" << stars << "\n";
}

std::span<const std::uint8_t> body(const journal::RecordInfo& r) { return {r.data.data(), r.data.size()}; }

std::string_view operation(const journal::RecordInfo& r) {
  return r.is_update ? "operation@Update" : "operation@AddRecord";
}

// One line per record: operation, ids, type and the decoded body (or why it did not decode).
bool print_record(const journal::RecordInfo& r, std::ostream& out) {
  out << operation(r) << ";recordID=" << r.id << ";userRecordType=" << int(r.user_type) << ";"
      << record::name(r.user_type) << ";";
  bool ok = true;
  switch (r.user_type) {
    case record::address_binding:
      if (auto a = decode_address(r.id, body(r))) out << *a; else ok = false;
      break;
    case record::queue_binding:
      if (auto q = decode_queue(r.id, body(r))) out << *q; else ok = false;
      break;
    case record::id_counter:
      if (auto v = decode_id_counter(body(r))) out << "reservedUpTo=" << *v; else ok = false;
      break;
    case record::message:
      if (auto m = decode_message(body(r))) out << *m; else ok = false;
      break;
    case record::large_message:
      if (auto m = decode_large_message(body(r)))
        out << *m;
      else
        ok = false;
      break;
    case record::add_ref:
    case record::ack_ref:
      if (auto q = decode_ref(body(r))) out << "queueID=" << *q; else ok = false;
      break;
    case record::delivery_count:
      if (auto d = decode_delivery_count(body(r)))
        out << "queueID=" << d->queue_id << ", deliveryCount=" << d->count;
      else ok = false;
      break;
    case record::duplicate_id:
      if (auto d = decode_duplicate_id(r.id, body(r))) out << *d; else ok = false;
      break;
    case record::page_cursor_ack:
      if (auto c = decode_cursor_ack(r.id, body(r)))
        out << "pageStore=" << std::hex << c->store_id << std::dec << ", queueID=" << c->queue_id
            << ", page=" << c->page << ", messageNr=" << c->index;
      else
        ok = false;
      break;
    case record::page_cursor_complete:
      if (auto c = decode_page_complete(r.id, body(r)))
        out << "pageStore=" << std::hex << c->store_id << std::dec << ", queueID=" << c->queue_id
            << ", page=" << c->page;
      else
        ok = false;
      break;
    case record::page_transaction:
      if (auto t = decode_page_transaction(r.id, body(r)))
        out << "pageStore=" << std::hex << t->store_id << std::dec << ", page=" << t->page
            << ", txID=" << t->tx_id;
      else
        ok = false;
      break;
    default: ok = false;
  }
  if (!ok) out << "<" << r.data.size() << " bytes that do not decode>";
  out << "\n";
  return ok;
}

void print_summary(const journal::LoadResult& r, std::ostream& out) {
  std::map<std::string_view, std::size_t> by_type;
  for (const auto& rec : r.records) ++by_type[record::name(rec.user_type)];
  out << "\n### Surviving Records Summary ###\n";
  for (const auto& [name, n] : by_type) out << name << ": " << n << "\n";
  out << "Total: " << r.records.size() << " records";
  if (!r.prepared.empty()) out << ", " << r.prepared.size() << " prepared transactions";
  if (r.dropped_tail_bytes > 0) out << ", " << r.dropped_tail_bytes << " bytes dropped at the tail";
  out << "\n\n";
}

}  // namespace

PrintSummary print_journals(const journal::LoadResult* bindings,
                            const journal::LoadResult* messages, std::ostream& out) {
  PrintSummary s;
  std::map<std::uint64_t, std::string> queue_names;
  if (bindings != nullptr) {
    banner(out, "B I N D I N G S  J O U R N A L");
    for (const auto& r : bindings->records) {
      ++s.bindings_records;
      if (!print_record(r, out)) ++s.undecodable;
      if (r.user_type == record::queue_binding)
        if (auto q = decode_queue(r.id, body(r))) queue_names[q->id] = q->name;
    }
    print_summary(*bindings, out);
  }
  if (messages != nullptr) {
    banner(out, "M E S S A G E S   J O U R N A L");
    // Refs still held per message, to count messages per queue.
    std::map<std::uint64_t, std::multiset<std::uint64_t>> refs;
    for (const auto& r : messages->records) {
      ++s.message_records;
      if (!print_record(r, out)) ++s.undecodable;
      if (!r.is_update) continue;
      if (r.user_type == record::add_ref) {
        if (auto q = decode_ref(body(r))) refs[r.id].insert(*q);
      } else if (r.user_type == record::ack_ref) {
        if (auto q = decode_ref(body(r))) {
          auto& set = refs[r.id];
          if (auto it = set.find(*q); it != set.end()) set.erase(it);
        }
      }
    }
    print_summary(*messages, out);
    std::map<std::uint64_t, std::size_t> per_queue;
    for (const auto& [msg, queues] : refs)
      for (auto q : queues) ++per_queue[q];
    out << "### Message Counts ###\n";
    if (per_queue.empty()) out << "(no messages on any queue)\n";
    for (const auto& [q, n] : per_queue) {
      auto name = queue_names.find(q);
      out << "queue id " << q << " (" << (name == queue_names.end() ? "?" : name->second)
          << "): " << n << (n == 1 ? " message" : " messages") << "\n";
    }
    out << "\n";
  }
  return s;
}

}  // namespace artemis::store
