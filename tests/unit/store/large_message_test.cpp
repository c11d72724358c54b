// Large message bodies in the store: file names, the LargeBody lifetime rule (removed with its
// last reference unless kept), reading at offsets, the large_message record and the page
// record's large flag, and a body writer whose failure stays with the file that failed.
#include "store/large_message.hpp"

#include <doctest/doctest.h>

#include <condition_variable>
#include <fstream>
#include <mutex>

#include "store/encodings.hpp"
#include "store/page_file.hpp"
#include "store/page_writer.hpp"
#include "support/temp_dir.hpp"

using namespace artemis::store;
namespace fs = std::filesystem;

namespace {

MessageRecord large_record(std::uint64_t id, std::uint64_t size) {
  MessageRecord m;
  m.id = id;
  m.address = "big";
  m.durable = true;
  m.properties = {{"k", "v"}};
  m.large_body_size = size;
  return m;
}

// Completions posted by a writer thread, waited for by the test.
struct Posted {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::error_code> results;
  artemis::journal::Poster poster() {
    return [this](std::function<void()> fn) {
      std::lock_guard lock(mutex);
      fn();
      cv.notify_all();
    };
  }
  artemis::journal::Completion record() {
    return [this](std::error_code ec) { results.push_back(ec); };
  }
  std::vector<std::error_code> wait(std::size_t n) {
    std::unique_lock lock(mutex);
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return results.size() >= n; });
    return results;
  }
};

}  // namespace

TEST_CASE("large message files are named by the message id") {
  CHECK(large_message_file_name(42) == "42.msg");
  CHECK(large_message_id_of("42.msg") == 42u);
  CHECK_FALSE(large_message_id_of("42.page"));
  CHECK_FALSE(large_message_id_of(".msg"));
  CHECK_FALSE(large_message_id_of("x42.msg"));
  CHECK_FALSE(large_message_id_of("0.msg"));
}

TEST_CASE("a LargeBody removes its file with its last reference unless kept") {
  artemis::test_support::TempDir dir{"large-body"};
  const auto a = dir.path() / "1.msg", b = dir.path() / "2.msg";
  std::ofstream(a) << "0123456789";
  std::ofstream(b) << "abc";
  {
    auto body = std::make_shared<LargeBody>(a, 1, 10);
    auto shared = body;  // a delivery still streaming it
    body.reset();
    CHECK(fs::exists(a));
    LargeBodyReader reader;
    REQUIRE_FALSE(reader.open(shared->path()));
    char buf[4];
    std::error_code ec;
    CHECK(reader.read(6, {buf, 4}, ec) == 4);
    CHECK(std::string(buf, 4) == "6789");
    CHECK(reader.read(8, {buf, 4}, ec) == 2);  // the end
    std::string whole;
    REQUIRE_FALSE(read_large_body(*shared, whole));
    CHECK(whole == "0123456789");
  }
  CHECK_FALSE(fs::exists(a));
  {
    LargeBody kept(b, 2, 3);
    kept.keep(true);  // a record names it
  }
  CHECK(fs::exists(b));
  LargeBody short_one(b, 2, 30);
  short_one.keep(true);
  std::string whole;
  CHECK(read_large_body(short_one, whole));  // shorter than its record says: an error
}

TEST_CASE("a large message record keeps the body's size, not its bytes") {
  std::vector<std::uint8_t> bytes;
  encode_large_message_into(large_record(7, 1ull << 32), bytes);
  const auto back = decode_large_message(bytes);
  REQUIRE(back);
  CHECK(back->id == 7);
  CHECK(back->body.empty());
  CHECK(back->large_body_size == (1ull << 32));
  CHECK(back->properties.find("k"));
  CHECK_FALSE(decode_large_message(std::span(bytes).first(6)));
}

TEST_CASE("a page record flags a large message and carries its body's size") {
  std::vector<std::uint8_t> file;
  const std::vector<std::uint64_t> queues{3, 4};
  encode_page_record(no_page_tx, queues, large_record(9, 5'000'000), file);
  MessageRecord small = large_record(10, 0);
  small.large_body_size.reset();
  small.body = "small";
  encode_page_record(no_page_tx, queues, small, file);
  std::vector<PagedHeader> headers;
  std::vector<std::optional<PagedMessage>> messages;
  const auto scan = scan_page(file, [&](const PagedHeader& h, auto payload) {
    headers.push_back(h);
    messages.push_back(decode_paged_message(payload));
    return true;
  });
  CHECK(scan.records == 2);
  REQUIRE(headers.size() == 2);
  CHECK(headers[0].large);
  CHECK(headers[0].large_size == 5'000'000);
  CHECK(headers[0].queue_count() == 2);
  CHECK_FALSE(headers[1].large);
  REQUIRE(messages[0]);
  CHECK(messages[0]->message.large_body_size == 5'000'000u);
  CHECK(messages[0]->message.id == 9);
  REQUIRE(messages[1]);
  CHECK_FALSE(messages[1]->message.large_body_size);
  CHECK(messages[1]->message.body == "small");
}

TEST_CASE("a body writer with per-file failures fails only the file that failed") {
  artemis::test_support::TempDir dir{"large-writer"};
  for (const auto mode : {Failures::per_file, Failures::stop}) {
    CAPTURE(static_cast<int>(mode));
    Posted posted;
    std::error_code ec;
    auto full = PageFile::open("/dev/full", ec);  // every write: ENOSPC
    REQUIRE(full);
    auto fine = PageFile::open(dir.path() / (mode == Failures::stop ? "s.msg" : "p.msg"), ec);
    REQUIRE(fine);
    {
      PageWriter writer(posted.poster(), false, mode);
      writer.append(full, {1, 2, 3}, true, posted.record());
      posted.wait(1);
      writer.append(fine, {4, 5, 6}, true, posted.record());
      writer.append(full, {7}, false, posted.record());
      const auto results = posted.wait(3);
      REQUIRE(results.size() == 3);
      CHECK(results[0] == std::errc::no_space_on_device);
      CHECK(results[2] == std::errc::no_space_on_device);
      if (mode == Failures::per_file)
        CHECK_FALSE(results[1]);
      else
        CHECK(results[1] == std::errc::no_space_on_device);  // nothing after a failure
    }
  }
}
