// Large messages in the PostOffice: a body uploaded to large-messages/<id>.msg is named by the
// journal or by a page record, and its file goes exactly when nothing names it any more: acked
// everywhere, its page deleted, or never stored. A copy (dead letter) gets a file of its own.
#include <doctest/doctest.h>

#include <filesystem>

#include "fixtures.hpp"

using namespace artemis;
using namespace artemis::core;
using artemis::testing::CoreFixture;
using artemis::testing::RecordingHandler;

namespace {

namespace fs = std::filesystem;

struct LargeFixture : CoreFixture {
  LargeFixture() {
    config::AddressSetting paged;
    paged.match = "paged";
    paged.max_size_messages = 2;
    config::AddressSetting nowhere;
    nowhere.match = "nowhere";
    nowhere.send_to_dla_on_no_route = true;
    nowhere.dead_letter_address = "DLA";
    config.address_settings = {paged, nowhere};
    start();
  }

  fs::path dir() const { return config.large_messages_directory; }
  std::size_t files() const {
    std::size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir(), ec)) n += e.path().extension() == ".msg";
    return n;
  }

  // A message whose body went through a LargeUpload, in pieces.
  MessagePtr large(const std::string& body, bool durable) {
    std::error_code ec;
    auto upload = po->begin_large_upload(ec);
    REQUIRE(upload);
    for (std::size_t at = 0; at < body.size(); at += 1000) upload->append(body.substr(at, 1000));
    std::shared_ptr<store::LargeBody> done;
    bool finished = false;
    upload->finish([&](std::error_code e, std::shared_ptr<store::LargeBody> b) {
      CHECK_FALSE(e);
      done = std::move(b);
      finished = true;
    });
    REQUIRE(scheduler.run_until([&] { return finished; }));
    REQUIRE(done);
    auto m = message("", durable);
    attach_large_body(*m, std::move(done));
    return m;
  }

  void send_and_wait(const std::string& dest, MessagePtr m) {
    bool done = false;
    po->send(std::move(m), Destination::parse(dest), [&](std::error_code ec) {
      CHECK_FALSE(ec);
      done = true;
    });
    REQUIRE(scheduler.run_until([&] { return done; }));
    scheduler.run_posted();
  }

  std::vector<std::string> consume(const std::string& queue, std::size_t n) {
    RecordingHandler h;
    h.auto_ack = true;
    ServerConsumer* c = po->find_queue(queue)->add_consumer(h, ConsumerOptions{});
    REQUIRE(c != nullptr);
    scheduler.run_until([&] { return h.got.size() >= n; });
    std::vector<std::string> bodies;
    for (const auto& ref : h.got) {
      std::string body;
      const auto ec = whole_body(*ref.message, body);
      CAPTURE(ec.message());
      CHECK_FALSE(ec);
      bodies.push_back(body);
    }
    h.got.clear();
    po->find_queue(queue)->remove_consumer(*c);
    scheduler.run_posted();
    return bodies;
  }
};

std::string body_n(int i) {
  return std::string(5000, static_cast<char>('a' + i));
}

}  // namespace

TEST_CASE(
    "large: paged large messages keep their files until their page is consumed, across a restart") {
  LargeFixture fx;
  fx.anycast_queue("paged");
  for (int i = 0; i < 6; ++i) fx.send_and_wait("paged", fx.large(body_n(i), true));
  REQUIRE(fx.po->paging_store("paged") != nullptr);
  CHECK(fx.files() == 6);
  fx.restart();
  CHECK(fx.files() == 6);
  const auto bodies = fx.consume("paged", 6);
  REQUIRE(bodies.size() == 6);
  for (int i = 0; i < 6; ++i) CHECK((bodies[static_cast<std::size_t>(i)] == body_n(i)));
  fx.scheduler.run_until([&] { return fx.files() == 0; });
  CHECK(fx.files() == 0);
}

TEST_CASE("large: a copy for the dead-letter address gets its own file; the original's goes") {
  LargeFixture fx;
  fx.anycast_queue("DLA");
  REQUIRE_FALSE(fx.po->create_address("nowhere", RoutingType::anycast, false));
  auto m = fx.large(body_n(3), true);
  const auto original = m->large->path();
  fx.send_and_wait("nowhere", std::move(m));
  // The original's file goes with its last reference (the send's completion lets go of it).
  fx.scheduler.run_until([&] { return !fs::exists(original); });
  CHECK_FALSE(fs::exists(original));
  CHECK(fx.files() == 1);
  fx.restart();
  const auto bodies = fx.consume("DLA", 1);
  REQUIRE(bodies.size() == 1);
  CHECK((bodies[0] == body_n(3)));
  fx.scheduler.run_until([&] { return fx.files() == 0; });
  CHECK(fx.files() == 0);
}

TEST_CASE("large: a non-durable large message leaves no file behind a restart") {
  LargeFixture fx;
  fx.anycast_queue("q");
  fx.send_and_wait("q", fx.large(body_n(1), false));
  CHECK(fx.files() == 1);
  fx.restart();  // the message is gone, and so is its file
  CHECK(fx.files() == 0);
}

TEST_CASE("large: an upload dropped before it finished removes its file") {
  LargeFixture fx;
  std::error_code ec;
  auto upload = fx.po->begin_large_upload(ec);
  REQUIRE(upload);
  upload->append(std::string(300 * 1024, 'x'));
  fx.scheduler.run_until([&] { return upload->unwritten() == 0; });
  CHECK(fx.files() == 1);
  upload.reset();
  fx.scheduler.run_until([&] { return fx.files() == 0; });
  CHECK(fx.files() == 0);
}
