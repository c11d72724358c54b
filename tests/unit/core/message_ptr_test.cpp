#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "core/consumer.hpp"
#include "core/message.hpp"

using artemis::core::make_message;
using artemis::core::Message;
using artemis::core::MessagePtr;
using artemis::store::OptionalSize;

namespace {

// Makes `m` own `token` (through its large-body slot's deleter): the token dies with the message.
void tie(Message& m, std::shared_ptr<int> token) {
  using artemis::store::LargeBody;
  m.large = std::shared_ptr<LargeBody>(static_cast<LargeBody*>(nullptr),
                                       [token = std::move(token)](LargeBody*) {});
}

}  // namespace

TEST_CASE("core: a message lives while a MessagePtr holds it, and no longer") {
  std::weak_ptr<int> seen;
  {
    auto token = std::make_shared<int>(7);
    seen = token;
    auto m = make_message();
    tie(*m, std::move(token));
    CHECK_FALSE(seen.expired());

    MessagePtr copy = m;
    CHECK(copy == m);
    CHECK(copy.get() == m.get());
    MessagePtr moved = std::move(m);
    CHECK_FALSE(m);
    CHECK(m == nullptr);
    CHECK(moved == copy);
    copy.reset();
    CHECK_FALSE(seen.expired());  // `moved` still holds it
    MessagePtr assigned;
    assigned = moved;
    moved = MessagePtr{};
    CHECK_FALSE(seen.expired());
    const MessagePtr& same = assigned;
    assigned = same;  // self-assignment keeps it
    CHECK_FALSE(seen.expired());
  }
  CHECK(seen.expired());
}

TEST_CASE("core: a copied message is a new one with its own count") {
  auto a = make_message();
  a->record.id = 1;
  auto b = make_message(*a);
  b->record.id = 2;
  CHECK(a != b);
  CHECK(a->record.id == 1);
  a.reset();  // b stands alone
  CHECK(b->record.id == 2);
}

TEST_CASE("core: MessagePtr copies from two threads keep the count exact") {
  std::weak_ptr<int> seen;
  auto m = make_message();
  {
    auto token = std::make_shared<int>(0);
    seen = token;
    tie(*m, std::move(token));
  }
  {
    auto churn = [m] {  // each thread works on its own copy of the pointer
      for (int i = 0; i < 20000; ++i) {
        MessagePtr c = m;
        MessagePtr d = std::move(c);
      }
    };
    std::thread t1(churn), t2(churn);
    t1.join();
    t2.join();
  }
  CHECK_FALSE(seen.expired());
  m.reset();
  CHECK(seen.expired());
}

TEST_CASE("store: OptionalSize holds any size below UINT64_MAX, or none") {
  OptionalSize none;
  CHECK_FALSE(none);
  CHECK(none.value_or(5) == 5u);
  OptionalSize zero = std::uint64_t{0};
  CHECK(zero.has_value());
  CHECK(*zero == 0u);
  OptionalSize big = (std::uint64_t{1} << 40);
  CHECK(*big == (std::uint64_t{1} << 40));
  CHECK(big == OptionalSize{std::uint64_t{1} << 40});
  big.reset();
  CHECK(big == none);
  big = std::nullopt;
  CHECK_FALSE(big.has_value());
  static_assert(sizeof(OptionalSize) == 8);
}

TEST_CASE("core: a queue entry is 32 bytes; its rare state is allocated only when used") {
  CHECK(sizeof(artemis::core::MessageRef) == 32);
  artemis::core::MessageRef ref{artemis::core::make_message()};
  ref.message->record.scheduled = 1000;
  CHECK(ref.not_before() == 1000);
  CHECK_FALSE(ref.rare.refused_by(3));
  ref.rare.set_redeliver_at(5000);
  CHECK(ref.not_before() == 5000);
  ref.rare.refuse(3);
  const auto copy = ref;
  CHECK(copy.rare.refused_by(3));
  CHECK_FALSE(copy.rare.refused_by(4));
  CHECK(copy.not_before() == 5000);
}

TEST_CASE("core: a message is a 176-byte heap block; its large body link shares the file") {
  // 168 bytes of fields and malloc's 8-byte header, rounded to 16: one size class below 192.
  CHECK(sizeof(Message) <= 168);
  auto m = make_message();
  CHECK_FALSE(m->large);
  auto body =
      std::make_shared<artemis::store::LargeBody>(std::filesystem::path("/nowhere/1.msg"), 1, 10);
  m->large = body;
  CHECK(m->large.get() == body.get());
  auto copy = make_message(*m);
  CHECK(copy->large.get() == body.get());
  CHECK(body.use_count() == 3);
  m->large.reset();
  CHECK(body.use_count() == 2);
  copy->large = nullptr;
  CHECK_FALSE(copy->large);
}
