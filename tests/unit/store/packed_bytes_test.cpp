#include "store/packed_bytes.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>

#include "store/properties.hpp"

using artemis::store::PackedBytes;

TEST_CASE("store: packed bytes stay inline up to kInline and move to the heap past it") {
  PackedBytes b;
  CHECK(b.empty());
  CHECK(b.capacity() == PackedBytes::kInline);
  b.append(std::string(PackedBytes::kInline, 'a'));
  CHECK(b.capacity() == PackedBytes::kInline);
  b.push_back('b');
  CHECK(b.capacity() > PackedBytes::kInline);
  CHECK(b.view() == std::string(PackedBytes::kInline, 'a') + "b");
  b.truncate(3);
  b.shrink_to_fit();
  CHECK(b.capacity() == PackedBytes::kInline);
  CHECK(b.view() == "aaa");
}

TEST_CASE("store: packed bytes copy and move, inline and on the heap, leave the source usable") {
  for (const std::size_t n : {std::size_t{5}, std::size_t{100}}) {
    PackedBytes a;
    a.assign(std::string(n, 'x'));
    PackedBytes copy(a);
    CHECK(copy.view() == a.view());
    PackedBytes moved(std::move(a));
    CHECK(moved.view() == std::string(n, 'x'));
    CHECK(a.empty());  // NOLINT(bugprone-use-after-move): a moved-from buffer is empty
    a.append("again");
    CHECK(a.view() == "again");
    PackedBytes assigned;
    assigned.assign(std::string(300, 'y'));
    assigned = moved;
    CHECK(assigned.view() == moved.view());
    assigned = std::move(copy);
    CHECK(assigned.view() == std::string(n, 'x'));
  }
}

TEST_CASE("store: packed bytes behave as a string under random edits") {
  std::mt19937 rng(7);
  PackedBytes b;
  std::string model;
  for (int step = 0; step < 5000; ++step) {
    switch (rng() % 6) {
      case 0: {
        const std::string s(rng() % 40, static_cast<char>('a' + rng() % 26));
        b.append(s);
        model += s;
        break;
      }
      case 1:
        b.push_back('#');
        model.push_back('#');
        break;
      case 2:
        if (!model.empty()) {
          const std::size_t pos = rng() % model.size();
          const std::size_t n = rng() % (model.size() - pos + 1);
          b.erase(pos, n);
          model.erase(pos, n);
        }
        break;
      case 3: {
        const std::size_t n = model.empty() ? 0 : rng() % model.size();
        b.truncate(n);
        model.resize(n);
        break;
      }
      case 4:
        b.shrink_to_fit();
        break;
      default: {
        PackedBytes other(b);
        b = std::move(other);
        break;
      }
    }
    REQUIRE(b.view() == model);
    REQUIRE(b.capacity() >= b.size());
  }
}

TEST_CASE("store: a message's connection id alone keeps its property set inline") {
  artemis::store::Properties p;
  p.reserve(artemis::store::Properties::text_entry_size(9, 8));
  p.set_text("__AMQ_CID", "12345678");
  p.shrink_to_fit();
  CHECK(p.packed().size() <= PackedBytes::kInline);
  CHECK(sizeof(artemis::store::Properties) == 32);
  CHECK(p.find("__AMQ_CID")->text() == "12345678");
}
