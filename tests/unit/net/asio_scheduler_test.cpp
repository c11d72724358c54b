#include "net/asio_scheduler.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

using namespace artemis::net;
using namespace std::chrono_literals;

TEST_CASE("net: scheduler runs timers in order and never runs a cancelled one") {
  asio::io_context io;
  AsioScheduler s(io);
  std::string order;
  s.schedule_after(30ms, [&] { order += "b"; });
  s.schedule_after(10ms, [&] { order += "a"; });
  const auto cancelled = s.schedule_after(20ms, [&] { order += "X"; });
  s.cancel(cancelled);
  io.run_for(500ms);
  CHECK(order == "ab");
  CHECK(s.pending_timers() == 0);
  CHECK(s.now_ms() > 1'600'000'000'000);
}

TEST_CASE("net: scheduler post from another thread runs on the io_context thread") {
  asio::io_context io;
  AsioScheduler s(io);
  std::atomic<bool> ran{false};
  std::thread::id where;
  std::thread t([&] { s.post([&] { where = std::this_thread::get_id(); ran = true; }); });
  t.join();
  for (int i = 0; i < 100 && !ran; ++i) io.run_for(10ms);
  CHECK(ran.load());
  CHECK(where == std::this_thread::get_id());
}
