#include "core/duplicate_cache.hpp"

#include <doctest/doctest.h>

#include <deque>
#include <random>
#include <string>

using artemis::core::DuplicateIdCache;

TEST_CASE("core: duplicate cache is circular with id-cache-size") {
  DuplicateIdCache cache(2);
  CHECK(cache.add("a", 1) == 0);
  CHECK(cache.add("b", 2) == 0);
  CHECK(cache.add("c", 3) == 1);
  CHECK_FALSE(cache.contains("a"));
  CHECK(cache.contains("b"));
  CHECK(cache.contains("c"));
}

TEST_CASE("core: a full duplicate cache keeps exactly the last ids, short and long") {
  // Ids of changing length: an overwritten slot's text may move.
  constexpr std::size_t kSize = 3;
  DuplicateIdCache cache(kSize);
  auto id_of = [](std::size_t i) { return std::to_string(i) + std::string(i % 5 * 9, 'x'); };
  for (std::size_t i = 0; i < 1000; ++i) {
    CAPTURE(i);
    const auto evicted = cache.add(id_of(i), i + 1);
    CHECK(evicted == (i >= kSize ? i + 1 - kSize : 0));
    CHECK(cache.size() == std::min(kSize, i + 1));
    for (std::size_t back = 0; back <= i && back < 6; ++back)
      CHECK(cache.contains(id_of(i - back)) == (back < kSize));
  }
  cache.remove(id_of(999));
  CHECK_FALSE(cache.contains(id_of(999)));
  CHECK(cache.add("again", 5000) == 998);  // overwrites the slot of id 997 (record 998)
  CHECK(cache.contains("again"));
  CHECK(cache.contains(id_of(998)));
}

namespace {

// What the cache promises, written the slow way: the last `size` adds, each remembering
// whether its id still counts (not removed, not added again since).
class CacheModel {
 public:
  explicit CacheModel(std::size_t size) : size_(size) {}
  bool contains(const std::string& id) const {
    for (const auto& a : adds_)
      if (a.live && a.id == id) return true;
    return false;
  }
  std::uint64_t add(const std::string& id, std::uint64_t record) {
    for (auto& a : adds_)
      if (a.id == id) a.live = false;
    adds_.push_back({id, record, true});
    if (adds_.size() <= size_) return 0;
    const auto evicted = adds_.front().record;
    adds_.pop_front();
    return evicted;
  }
  void remove(const std::string& id) {
    for (auto& a : adds_)
      if (a.live && a.id == id) {
        a.live = false;
        a.record = 0;
      }
  }
  std::size_t size() const {
    std::size_t n = 0;
    for (const auto& a : adds_) n += a.live ? 1 : 0;
    return n;
  }

 private:
  struct Add {
    std::string id;
    std::uint64_t record;
    bool live;
  };
  std::size_t size_;
  std::deque<Add> adds_;
};

}  // namespace

TEST_CASE("core: the duplicate cache agrees with its model through adds, re-adds and removes") {
  // A small pool of ids makes re-adds and removes of cached ids frequent, and a cache of 300
  // fills its table to three quarters before each growth: long probe runs, and deletions that
  // must shift the entries behind them back.
  for (const std::size_t size : {1u, 7u, 300u}) {
    CAPTURE(size);
    DuplicateIdCache cache(size);
    CacheModel model(size);
    std::mt19937 rng(static_cast<unsigned>(size));
    std::uniform_int_distribution<int> pick_id(0, static_cast<int>(size) * 2);
    std::uniform_int_distribution<int> pick_op(0, 9);
    for (std::uint64_t step = 1; step <= 20000; ++step) {
      const std::string id = "id-" + std::to_string(pick_id(rng));
      CAPTURE(step);
      CAPTURE(id);
      if (pick_op(rng) == 0) {
        cache.remove(id);
        model.remove(id);
      } else {
        REQUIRE(cache.add(id, step) == model.add(id, step));
      }
      REQUIRE(cache.size() == model.size());
      const std::string probe = "id-" + std::to_string(pick_id(rng));
      REQUIRE(cache.contains(probe) == model.contains(probe));
    }
  }
}
