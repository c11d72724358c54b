// A large message's AMQP delivery is its head, the body streamed from its file, then its tail:
// together byte for byte what the delivery of the same message held whole would be.
#include <doctest/doctest.h>
#include <proton/message.h>

#include <memory>

#include "protocol/amqp/message_mapping.hpp"

namespace amqp = artemis::protocol::amqp;
namespace core = artemis::core;
namespace store = artemis::store;

namespace {

struct Scratch {
  pn_message_t* m = pn_message();
  ~Scratch() { pn_message_free(m); }
};

core::MessageRef message(store::BodyType type, std::string body) {
  auto m = core::make_message();
  m->record.id = 7;
  m->record.address = "large";
  m->record.durable = true;
  m->record.type = type;
  m->record.body = std::move(body);
  m->record.properties.set_text(core::props::content_type, "application/octet-stream");
  m->record.properties.set_text("colour", "blue");
  core::MessageRef ref;
  ref.message = std::move(m);
  ref.delivery_count = 2;
  return ref;
}

}  // namespace

TEST_CASE("amqp: a large delivery's head + body + tail equals the whole delivery") {
  for (const auto type : {store::BodyType::bytes, store::BodyType::text}) {
    // Over 255 bytes (a 32-bit section size) and under (an 8-bit one).
    for (const std::size_t size : {std::size_t{300'000}, std::size_t{200}}) {
      CAPTURE(static_cast<int>(type));
      CAPTURE(size);
      std::string body(size, 'x');
      for (std::size_t i = 0; i < size; ++i) body[i] = static_cast<char>('a' + i % 26);
      Scratch scratch;
      std::string whole;
      REQUIRE(amqp::encode_delivery(message(type, body), 1000, scratch.m, whole));

      auto large = message(type, "");
      large.message->record.large_body_size = size;
      std::string head, tail;
      REQUIRE(amqp::encode_large_delivery(large, 1000, scratch.m, head, tail));
      CHECK(head + body + tail == whole);

      Scratch got;
      const std::string joined = head + body + tail;
      REQUIRE(pn_message_decode(got.m, joined.data(), joined.size()) == 0);
      CHECK(pn_message_get_delivery_count(got.m) == 2);
      CHECK(pn_message_is_durable(got.m));
    }
  }
}

TEST_CASE("amqp: a body over AMQP's 4 GiB binary cannot be delivered") {
  auto large = message(store::BodyType::bytes, "");
  large.message->record.large_body_size = (std::uint64_t{1} << 32) + 1;
  Scratch scratch;
  std::string head, tail;
  CHECK_FALSE(amqp::encode_large_delivery(large, 1000, scratch.m, head, tail));
}
