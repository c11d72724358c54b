// Page files (reference §5.3): records round-trip, and a file cut at any byte (a crash while
// appending) reads back as exactly the whole records before the cut, flagged suspect.
#include "store/page_file.hpp"

#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

using namespace artemis::store;

namespace {

MessageRecord paged_message(std::uint64_t id, std::string body, bool durable) {
  MessageRecord m;
  m.id = id;
  m.address = "orders";
  m.durable = durable;
  m.properties = {{"color", "red"}};
  m.body = std::move(body);
  return m;
}

std::vector<std::uint8_t> three_records(std::vector<std::size_t>& ends) {
  std::vector<std::uint8_t> file;
  const std::vector<std::uint64_t> one{7}, two{7, 9};
  encode_page_record(no_page_tx, one, paged_message(1, "first", true), file);
  ends.push_back(file.size());
  encode_page_record(42, two, paged_message(2, std::string(300, 'x'), false), file);
  ends.push_back(file.size());
  encode_page_record(no_page_tx, two, paged_message(3, "", true), file);
  ends.push_back(file.size());
  return file;
}

}  // namespace

TEST_CASE("page file: records round-trip with their queues, transaction and message") {
  std::vector<std::size_t> ends;
  const auto file = three_records(ends);
  std::vector<PagedMessage> got;
  std::vector<bool> durable;
  const auto scan = scan_page(file, [&](const PagedHeader& h, std::span<const std::uint8_t> p) {
    durable.push_back(h.durable);
    auto m = decode_paged_message(p);
    REQUIRE(m);
    got.push_back(std::move(*m));
    return true;
  });
  CHECK(scan.records == 3);
  CHECK(scan.valid_bytes == file.size());
  CHECK_FALSE(scan.suspect);
  REQUIRE(got.size() == 3);
  CHECK(got[0].queue_ids == std::vector<std::uint64_t>{7});
  CHECK(got[0].tx_id == no_page_tx);
  CHECK(got[0].message.body == "first");
  CHECK(got[0].message.properties == paged_message(1, "", true).properties);
  CHECK(got[1].queue_ids == std::vector<std::uint64_t>{7, 9});
  CHECK(got[1].tx_id == 42);
  CHECK(got[1].message.body == std::string(300, 'x'));
  CHECK(got[2].message.id == 3);
  CHECK(durable == std::vector<bool>{true, false, true});
}

TEST_CASE("page file: a cut at every byte keeps the whole records before it") {
  std::vector<std::size_t> ends;
  const auto file = three_records(ends);
  for (std::size_t cut = 0; cut <= file.size(); ++cut) {
    CAPTURE(cut);
    const std::span<const std::uint8_t> bytes(file.data(), cut);
    std::size_t decoded = 0;
    const auto scan = scan_page(bytes, [&](const PagedHeader&, std::span<const std::uint8_t> p) {
      decoded += decode_paged_message(p) ? 1 : 0;
      return true;
    });
    std::size_t whole = 0;
    while (whole < ends.size() && ends[whole] <= cut) ++whole;
    CHECK(scan.records == whole);
    CHECK(decoded == whole);
    CHECK(scan.valid_bytes == (whole == 0 ? 0 : ends[whole - 1]));
    CHECK(scan.suspect == (cut != scan.valid_bytes));
  }
}

TEST_CASE("page file: a damaged marker or length stops the scan there") {
  std::vector<std::size_t> ends;
  auto file = three_records(ends);
  auto count = [](const std::vector<std::uint8_t>& f) {
    return scan_page(f, [](const PagedHeader&, auto) { return true; });
  };
  auto bad_end = file;
  bad_end[ends[1] - 1] = 'x';  // the second record's end marker
  CHECK(count(bad_end).records == 1);
  CHECK(count(bad_end).suspect);
  auto bad_length = file;
  bad_length[ends[0] + 1] = 0xff;  // the second record claims more than the file holds
  CHECK(count(bad_length).records == 1);
  auto bad_queues = file;
  bad_queues[ends[0] + 5 + 9 + 3] = 0xff;  // queue_count past the record's payload
  CHECK(count(bad_queues).records == 1);
}

TEST_CASE("page file: names are the page number in nine digits") {
  CHECK(page_file_name(1) == "000000001.page");
  CHECK(page_file_name(1234567890) == "1234567890.page");
  CHECK(page_number_of("000000012.page") == 12u);
  CHECK_FALSE(page_number_of("address.txt"));
  CHECK_FALSE(page_number_of("000000000.page"));
  CHECK_FALSE(page_number_of("12a.page"));
  CHECK_FALSE(page_number_of(".page"));
}

TEST_CASE("page file: a reader walks the records from a file, and stops at a torn tail") {
  std::vector<std::size_t> ends;
  const auto file = three_records(ends);
  char tmpl[] = "/tmp/artemis-page-test-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  REQUIRE(fd >= 0);
  const std::size_t cut = file.size() - 2;  // the last record is torn
  REQUIRE(::write(fd, file.data(), cut) == static_cast<ssize_t>(cut));
  ::close(fd);
  PageFileReader reader;
  REQUIRE_FALSE(reader.open(tmpl));
  std::uint64_t offset = 0;
  std::vector<std::uint64_t> ids;
  while (auto r = reader.read(offset)) {
    offset += r->header.record_bytes;
    ids.push_back(decode_paged_message(r->payload)->message.id);
  }
  CHECK(ids == std::vector<std::uint64_t>{1, 2});
  CHECK(offset == ends[1]);
  ::unlink(tmpl);
}
