// OutputQueue: blocks that never move, gathered for writev, consumed as writes complete.
#include "net/output_queue.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

using artemis::net::OutputQueue;

std::string gathered(OutputQueue& q) {
  std::string out;
  for (const auto& b : q.gather()) out.append(static_cast<const char*>(b.data()), b.size());
  return out;
}

std::string pattern(std::size_t n, char seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + static_cast<char>(i % 23));
  return s;
}

}  // namespace

TEST_CASE("output queue: appends across block boundaries come out in order") {
  OutputQueue q;
  const auto a = pattern(OutputQueue::kBlockBytes - 10, 'a');
  const auto b = pattern(25, 'A');
  const auto c = pattern(2 * OutputQueue::kBlockBytes + 7, '0');
  q.append(a);
  q.append(b);
  q.append(c);
  CHECK(q.size() == a.size() + b.size() + c.size());
  CHECK(q.gather().size() == 4);
  CHECK(gathered(q) == a + b + c);
}

TEST_CASE("output queue: a partial write leaves the rest, later appends follow it") {
  OutputQueue q;
  const auto a = pattern(OutputQueue::kBlockBytes + 100, 'x');
  q.append(a);
  q.consume(OutputQueue::kBlockBytes + 40);
  CHECK(q.size() == 60);
  q.append("tail");
  CHECK(gathered(q) == a.substr(OutputQueue::kBlockBytes + 40) + "tail");
  q.consume(q.size());
  CHECK(q.empty());
  CHECK(q.gather().empty());
  q.append("again");
  CHECK(gathered(q) == "again");
}

TEST_CASE("output queue: appends while a write is in flight leave its buffers untouched") {
  OutputQueue q;
  q.append("frame-1;");
  const auto in_flight = q.gather();
  REQUIRE(in_flight.size() == 1);
  const std::string before(static_cast<const char*>(in_flight[0].data()), in_flight[0].size());
  q.append(pattern(3 * OutputQueue::kBlockBytes, 'k'));  // more blocks; the first never moves
  CHECK(std::string(static_cast<const char*>(in_flight[0].data()), in_flight[0].size()) == before);
  q.consume(before.size());
  CHECK(q.size() == 3 * OutputQueue::kBlockBytes);
}

TEST_CASE("output queue: one gather is at most kMaxGather buffers; the rest comes next") {
  OutputQueue q;
  const auto big = pattern((OutputQueue::kMaxGather + 3) * OutputQueue::kBlockBytes, 'q');
  q.append(big);
  std::size_t gathered_bytes = 0;
  for (const auto& b : q.gather()) gathered_bytes += b.size();
  CHECK(q.gather().size() == OutputQueue::kMaxGather);
  CHECK(gathered_bytes == OutputQueue::kMaxGather * OutputQueue::kBlockBytes);
  q.consume(gathered_bytes);
  CHECK(gathered(q) == big.substr(gathered_bytes));
  q.clear();
  CHECK(q.empty());
  CHECK(q.gather().empty());
}
