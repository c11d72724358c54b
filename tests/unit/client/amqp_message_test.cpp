// Client messages <-> AMQP messages (client/amqp_message.hpp).
#include "client/amqp_message.hpp"

#include <doctest/doctest.h>

using namespace artemis::client;

TEST_CASE("amqp client mapping: a message comes back as it was sent") {
  pn_message_t* scratch = pn_message();
  Message m;
  m.body = "hello";
  m.properties = {{"count", "3"}, {"_AMQ_DUPL_ID", "d-1"}};
  m.priority = 7;
  m.group_id = "g";
  m.expiration_ms = 2'000'000;
  std::string bytes;
  REQUIRE(encode_amqp(m, 1'000'000, scratch, bytes));
  const Message got = decode_amqp(bytes, "orders", scratch);
  CHECK(got.type == BodyType::text);
  CHECK(got.body == "hello");
  CHECK(got.properties == m.properties);
  CHECK(got.priority == 7);
  CHECK(got.group_id == "g");
  CHECK(got.expiration_ms == 2'000'000);
  CHECK(got.delivery == Delivery::persistent);
  CHECK(got.destination == "orders");  // no `to`: the consumer's address
  CHECK(!got.redelivered);

  Message b;
  b.type = BodyType::bytes;
  b.body = std::string("\0\1\2", 3);
  b.delivery = Delivery::non_persistent;
  REQUIRE(encode_amqp(b, 0, scratch, bytes));
  const Message raw = decode_amqp(bytes, "q", scratch);
  CHECK(raw.type == BodyType::bytes);
  CHECK(raw.body == b.body);
  CHECK(raw.delivery == Delivery::non_persistent);
  pn_message_free(scratch);
}

TEST_CASE("amqp client mapping: other bodies and typed properties come out as text") {
  pn_message_t* in = pn_message();
  pn_data_t* props = pn_message_properties(in);
  pn_data_put_map(props);
  pn_data_enter(props);
  pn_data_put_string(props, pn_bytes(1, "n"));
  pn_data_put_int(props, 42);
  pn_data_exit(props);
  pn_data_t* body = pn_message_body(in);
  pn_data_put_map(body);
  pn_data_enter(body);
  pn_data_put_string(body, pn_bytes(8, "sequence"));
  pn_data_put_int(body, 1);
  pn_data_exit(body);
  std::string bytes(256, '\0');
  REQUIRE(encode_message(in, bytes));
  const Message got = decode_amqp(bytes, "q", in);
  CHECK(got.properties.at("n") == "42");
  CHECK(got.body.find("sequence") != std::string::npos);
  // Not a message at all: an empty one, no crash.
  CHECK(decode_amqp("garbage", "q", in).body.empty());
  pn_message_free(in);
}
