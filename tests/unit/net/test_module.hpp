#pragma once
// A protocol module for net tests: speaks "TEST", records what its sessions see, and sends on
// demand ("SEND <n>" queues n bytes in 64 KiB pieces; "PAUSE" pauses reading).
#include <memory>
#include <optional>
#include <string>

#include "net/protocol.hpp"

namespace artemis::net::test {

struct Record {
  std::string received;
  std::optional<CloseReason> closed;
  int writable_calls = 0;
  Connection* connection = nullptr;
};

class TestSession final : public ProtocolSession {
 public:
  TestSession(Connection& c, Record& r) : c_(c), r_(r) { r_.connection = &c; }
  void on_bytes(std::string_view bytes) override {
    r_.received.append(bytes);
    if (bytes.find("PAUSE") != std::string_view::npos) c_.pause_reading();
    if (auto pos = bytes.find("SEND "); pos != std::string_view::npos) {
      std::size_t n = std::stoul(std::string(bytes.substr(pos + 5)));
      while (n > 0) {
        const std::size_t piece = std::min<std::size_t>(n, 64 * 1024);
        c_.send(std::string(piece, 'x'));
        n -= piece;
      }
    }
    if (bytes.find("BYE") != std::string_view::npos) {
      c_.send("bye\n");
      c_.close(CloseReason::session_closed);
    }
  }
  void on_writable() override { ++r_.writable_calls; }
  void on_closed(CloseReason reason) override {
    r_.closed = reason;
    r_.connection = nullptr;
  }

 private:
  Connection& c_;
  Record& r_;
};

class TestModule final : public ProtocolModule {
 public:
  std::string_view name() const override { return "TEST"; }
  Detect detect(std::string_view b) const override {
    constexpr std::string_view magic = "TEST";
    if (b.size() < magic.size()) return magic.starts_with(b) ? Detect::need_more : Detect::no;
    return b.starts_with(magic) ? Detect::yes : Detect::no;
  }
  std::unique_ptr<ProtocolSession> create_session(Connection& c) override {
    return std::make_unique<TestSession>(c, record);
  }
  Record record;
};

}  // namespace artemis::net::test
