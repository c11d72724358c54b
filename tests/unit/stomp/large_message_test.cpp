// Large messages over STOMP: a body over stompMinLargeMessageSize goes to
// large-messages/<id>.msg as it arrives, comes back streamed from there, and its file lives
// exactly as long as a record or a reference needs it.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "session_fixture.hpp"

using namespace artemis;
using artemis::testing::StompFixture;
namespace fs = std::filesystem;

namespace {

std::string body_of_size(std::size_t n) {
  std::string b(n, '\0');
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<char>((i * 7 + i / 4096) & 0xff);
  return b;
}

std::size_t large_files(const StompFixture& fx) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fx.config.large_messages_directory, ec))
    n += e.path().extension() == ".msg";
  return n;
}

// The SEND frame's bytes, fed to the session in pieces as a socket would.
void send_in_pieces(StompFixture::Client& c, const std::string& frame, std::size_t piece) {
  for (std::size_t at = 0; at < frame.size(); at += piece) c.write(frame.substr(at, piece));
}

std::string send_frame(const std::string& dest, const std::string& body, bool persistent,
                       const std::string& receipt) {
  stomp::Frame f;
  f.command = "SEND";
  f.add("destination", dest);
  f.add("destination-type", "ANYCAST");
  f.add("persistent", persistent ? "true" : "false");
  f.add("receipt", receipt);
  f.set("content-length", std::to_string(body.size()));
  f.body = body;
  return stomp::encode(f, stomp::Version::v1_2);
}

void subscribe(StompFixture::Client& c, const std::string& dest, const char* ack = "auto") {
  c.frame("SUBSCRIBE", {{"destination", dest},
                        {"id", "1"},
                        {"subscription-type", "ANYCAST"},
                        {"ack", ack},
                        {"receipt", "sub"}});
  auto r = c.next();
  REQUIRE(r);
  REQUIRE(r->command == "RECEIPT");
}

}  // namespace

TEST_CASE("stomp large: a durable body is stored in its own file and delivered whole, in order") {
  StompFixture fx;
  const auto big = body_of_size(700 * 1024);
  auto producer = fx.connect();
  // The large SEND and a small one behind it, in one stream: the small one waits for the large
  // one's file to be on disk, so they arrive in the order they were sent.
  send_in_pieces(
      producer, send_frame("big", big, true, "r1") + send_frame("big", "small", true, "r2"), 30000);
  auto r1 = producer.next();
  REQUIRE(r1);
  CHECK(r1->command == "RECEIPT");
  CHECK(r1->header_or("receipt-id", "") == "r1");
  auto r2 = producer.next();
  REQUIRE(r2);
  CHECK(r2->header_or("receipt-id", "") == "r2");
  CHECK(large_files(fx) == 1);

  auto consumer = fx.connect();
  subscribe(consumer, "big", "client-individual");
  auto m1 = consumer.next();
  REQUIRE(m1);
  CHECK(m1->command == "MESSAGE");
  CHECK(m1->header_or("content-length", "") == std::to_string(big.size()));
  CHECK((m1->body == big));
  auto m2 = consumer.next();
  REQUIRE(m2);
  CHECK(m2->body == "small");
  CHECK(large_files(fx) == 1);  // delivered, not yet acknowledged
  consumer.frame("ACK", {{"id", m1->header_or("ack", "")}, {"receipt", "a1"}});
  auto a1 = consumer.next();
  REQUIRE(a1);
  CHECK(a1->command == "RECEIPT");
  fx.scheduler.run_until([&] { return large_files(fx) == 0; });
  CHECK(large_files(fx) == 0);  // acknowledged everywhere: its file is gone
}

TEST_CASE("stomp large: a durable large message survives a restart; a stray file does not") {
  StompFixture fx;
  const auto big = body_of_size(300 * 1024);
  {
    auto producer = fx.connect();
    send_in_pieces(producer, send_frame("kept", big, true, "r"), 65536);
    auto r = producer.next();
    REQUIRE(r);
    REQUIRE(r->command == "RECEIPT");
  }
  // A file no record names, as a send cut off by a crash leaves it.
  std::ofstream(fx.config.large_messages_directory / "123456789.msg") << "half a body";
  fx.restart();
  CHECK_FALSE(fs::exists(fx.config.large_messages_directory / "123456789.msg"));
  CHECK(large_files(fx) == 1);
  auto consumer = fx.connect();
  subscribe(consumer, "kept");
  auto m = consumer.next();
  REQUIRE(m);
  CHECK((m->body == big));
  fx.scheduler.run_until([&] { return large_files(fx) == 0; });
  CHECK(large_files(fx) == 0);
}

TEST_CASE("stomp large: a record whose file is gone drops the message, not the broker") {
  StompFixture fx;
  {
    auto producer = fx.connect();
    send_in_pieces(producer, send_frame("lost", body_of_size(200 * 1024), true, "r"), 65536);
    REQUIRE(producer.next()->command == "RECEIPT");
  }
  fx.stop();
  for (const auto& e : fs::directory_iterator(fx.config.large_messages_directory))
    fs::remove(e.path());
  fx.start();
  auto consumer = fx.connect();
  subscribe(consumer, "lost");
  fx.scheduler.run_posted();
  CHECK(consumer.frames().empty());
}

TEST_CASE("stomp large: a non-durable body's file goes once it is consumed") {
  StompFixture fx;
  auto consumer = fx.connect();
  subscribe(consumer, "q");
  auto producer = fx.connect();
  const auto big = body_of_size(150 * 1024);
  send_in_pieces(producer, send_frame("q", big, false, "r"), 4096);
  REQUIRE(producer.next()->command == "RECEIPT");
  auto m = consumer.next();
  REQUIRE(m);
  CHECK((m->body == big));
  CHECK(m->header_or("persistent", "") == "false");
  fx.scheduler.run_until([&] { return large_files(fx) == 0; });
  CHECK(large_files(fx) == 0);
}

TEST_CASE("stomp large: a refused or abandoned body leaves no file") {
  StompFixture fx;
  auto producer = fx.connect();
  producer.frame("SUBSCRIBE",
                 {{"destination", "x"}, {"id", "9"}, {"subscription-type", "ANYCAST"}});
  // Half a large SEND, then the client goes away.
  const auto frame = send_frame("x", body_of_size(500 * 1024), true, "r");
  producer.write(frame.substr(0, frame.size() / 2));
  fx.scheduler.run_posted();
  producer.close();
  fx.scheduler.run_until([&] { return large_files(fx) == 0; });
  CHECK(large_files(fx) == 0);
}

TEST_CASE("stomp large: a SEND the user may not make is refused before its body is read") {
  StompFixture fx;
  auto producer = fx.connect();
  fx.security.denied.insert({"admin", security::Permission::send});
  send_in_pieces(producer, send_frame("x", body_of_size(200 * 1024), true, "nope"), 8192);
  auto e = producer.next();
  REQUIRE(e);
  CHECK(e->command == "ERROR");
  CHECK(e->header_or("receipt-id", "") == "nope");
  fx.scheduler.run_until([&] { return large_files(fx) == 0; });
  CHECK(large_files(fx) == 0);
}

TEST_CASE("stomp large: with the disk full a large SEND waits, unread, until there is room") {
  StompFixture fx;
  auto producer = fx.connect();
  fx.core->post_office().set_disk_full(true);
  const auto big = body_of_size(400 * 1024);
  send_in_pieces(
      producer, send_frame("wait", big, true, "r") + send_frame("wait", "next", true, "r2"), 50000);
  fx.scheduler.run_posted();
  CHECK(producer.frames().empty());
  CHECK(large_files(fx) == 0);  // not a byte of it written while the disk is full
  fx.core->post_office().set_disk_full(false);
  auto r = producer.next();
  REQUIRE(r);
  CHECK(r->header_or("receipt-id", "") == "r");
  auto r2 = producer.next();
  REQUIRE(r2);
  CHECK(r2->header_or("receipt-id", "") == "r2");
  auto consumer = fx.connect();
  subscribe(consumer, "wait");
  auto m = consumer.next();
  REQUIRE(m);
  CHECK((m->body == big));
  auto m2 = consumer.next();
  REQUIRE(m2);
  CHECK(m2->body == "next");
}
