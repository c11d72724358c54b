// connectionsAllowed on an acceptor: past the limit a new connection is logged and closed as
// soon as it is accepted; once one goes, the next is accepted again.
#include <doctest/doctest.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "net/acceptor.hpp"
#include "net/connection_limits.hpp"
#include "support/log_capture.hpp"
#include "test_module.hpp"

using namespace artemis;
using namespace artemis::net;
using namespace std::chrono_literals;

namespace {

bool pump_capped(asio::io_context& io, const std::function<bool()>& cond) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!cond() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(5ms);
    if (io.stopped()) io.restart();
  }
  return cond();
}

// True once the peer closed the socket (a read returns EOF), within the deadline.
bool closed_by_capped_acceptor(asio::ip::tcp::socket& s) {
  s.non_blocking(true);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  char c;
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    s.read_some(asio::buffer(&c, 1), ec);
    if (ec == asio::error::eof || ec == asio::error::connection_reset) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

}  // namespace

TEST_CASE("net: connectionsAllowed refuses the connection past the limit, then accepts again") {
  config::TransportConfig cfg;
  cfg.name = "capped";
  cfg.host = "127.0.0.1";
  cfg.port = 0;
  cfg.params["connectionsAllowed"] = "2";
  const auto limits = limits_from(cfg);
  REQUIRE(limits.error.empty());
  CHECK(limits.limits.connections_allowed == 2);

  asio::io_context io;
  test_support::LogCapture log;
  test::TestModule module;
  ConnectionIds ids;
  Acceptor acceptor(io, cfg, {&module}, limits.limits, ids, log.logger());
  REQUIRE(acceptor.open().ok);
  const asio::ip::tcp::endpoint where{asio::ip::make_address("127.0.0.1"),
                                      static_cast<unsigned short>(acceptor.bound_port())};
  asio::io_context client_io;
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<asio::ip::tcp::socket>(client_io));
    clients.back()->connect(where);
  }
  REQUIRE(pump_capped(
      io, [&] { return log.text().find("Connection limit of 2 reached") != std::string::npos; }));
  CHECK(acceptor.connection_count() == 2);
  CHECK(closed_by_capped_acceptor(*clients[2]));

  clients[0]->close();
  REQUIRE(pump_capped(io, [&] { return acceptor.connection_count() == 1; }));
  asio::ip::tcp::socket again(client_io);
  again.connect(where);
  CHECK(pump_capped(io, [&] { return acceptor.connection_count() == 2; }));
}

TEST_CASE("net: connectionsAllowed must be -1 or a count") {
  config::TransportConfig cfg;
  cfg.name = "capped";
  cfg.params["connectionsAllowed"] = "-5";
  CHECK(limits_from(cfg).error.find("connectionsAllowed='-5'") != std::string::npos);
  cfg.params["connectionsAllowed"] = "-1";
  CHECK(limits_from(cfg).error.empty());
}
