// libFuzzer target for page files (a page file is whatever the disk gave back after a crash).
// Properties checked on every input:
//  - scanning never crashes, and stops at a record boundary within the input;
//  - every record the scan accepts either decodes or is refused, never crashes;
//  - a decoded record encodes to a record that scans and decodes to the same message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "store/page_file.hpp"

using namespace artemis::store;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  std::size_t seen = 0;
  const auto scan = scan_page(bytes, [&](const PagedHeader& h, std::span<const std::uint8_t> p) {
    seen += h.record_bytes;
    auto m = decode_paged_message(p);
    if (!m) return true;
    std::vector<std::uint8_t> again;
    encode_page_record(m->tx_id, m->queue_ids, m->message, again);
    std::size_t n = 0;
    scan_page(again, [&](const PagedHeader& h2, std::span<const std::uint8_t> p2) {
      auto back = decode_paged_message(p2);
      if (!back || back->queue_ids != m->queue_ids || back->tx_id != m->tx_id ||
          back->message.body != m->message.body || back->message.id != m->message.id ||
          h2.durable != m->message.durable)
        std::abort();
      ++n;
      return true;
    });
    if (n != 1) std::abort();
    return true;
  });
  if (scan.valid_bytes != seen || scan.valid_bytes > size) std::abort();
  if (scan.suspect != (scan.valid_bytes != size)) std::abort();
  return 0;
}
