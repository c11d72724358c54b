// AMQP message <-> core message: what survives the broker, and what is refused.
#include "protocol/amqp/message_mapping.hpp"

#include <doctest/doctest.h>
#include <proton/codec.h>

#include <memory>

namespace amqp = artemis::protocol::amqp;
namespace core = artemis::core;
namespace store = artemis::store;

namespace {

struct Msg {
  pn_message_t* m = pn_message();
  ~Msg() { pn_message_free(m); }
};

pn_bytes_t b(std::string_view s) {
  return pn_bytes(s.size(), s.data());
}

// Encodes `in` and decodes it into a fresh message, as the wire would.
void wire(pn_message_t* in, pn_message_t* out) {
  std::string bytes;
  REQUIRE(amqp::encode(in, bytes));
  REQUIRE(pn_message_decode(out, bytes.data(), bytes.size()) == 0);
}

core::MessagePtr to_core(pn_message_t* in, std::int64_t now = 1000) {
  Msg received;
  wire(in, received.m);
  std::string why;
  auto m = amqp::message_from_amqp(received.m, now, why);
  REQUIRE_MESSAGE(m.has_value(), why);
  (*m)->record.id = 42;
  (*m)->record.address = "orders";
  return *m;
}

void put_property(pn_data_t* d, std::string_view key) {
  pn_data_put_string(d, b(key));
}

core::MessageRef ref_of(core::MessagePtr m) {
  core::MessageRef ref;
  ref.message = std::move(m);
  return ref;
}

}  // namespace

TEST_CASE("header, properties and an AmqpValue string survive AMQP -> core -> AMQP") {
  Msg in;
  pn_message_set_durable(in.m, true);
  pn_message_set_priority(in.m, 7);
  pn_message_set_ttl(in.m, 5000);
  pn_message_set_subject(in.m, "greeting");
  pn_message_set_reply_to(in.m, "replies");
  pn_message_set_content_type(in.m, "text/plain");
  pn_message_set_group_id(in.m, "g1");
  pn_atom_t id{};
  id.type = PN_STRING;
  id.u.as_bytes = b("msg-1");
  pn_message_set_id(in.m, id);
  pn_atom_t corr{};
  corr.type = PN_ULONG;
  corr.u.as_ulong = 99;
  pn_message_set_correlation_id(in.m, corr);
  pn_data_t* props = pn_message_properties(in.m);
  pn_data_put_map(props);
  pn_data_enter(props);
  put_property(props, "count");
  pn_data_put_int(props, 3);
  put_property(props, "colour");
  pn_data_put_string(props, b("red"));
  put_property(props, "ok");
  pn_data_put_bool(props, true);
  put_property(props, "ratio");
  pn_data_put_double(props, 0.5);
  put_property(props, "raw");
  pn_data_put_binary(props, b(std::string_view("\0\1", 2)));
  pn_data_exit(props);
  pn_data_put_string(pn_message_body(in.m), b("hello"));

  const auto m = to_core(in.m, 1000);
  const auto& r = m->record;
  CHECK(r.durable);
  CHECK(r.priority == 7);
  CHECK(r.expiration == 6000);
  CHECK(r.type == store::BodyType::text);
  CHECK(r.body == "hello");
  CHECK(r.properties.at("count") == store::PropertyValue{std::int32_t{3}});
  CHECK(r.properties.at("colour") == store::PropertyValue{"red"});
  CHECK(m->property(core::props::group_id) == "g1");
  CHECK(m->property(core::props::content_type) == "text/plain");

  Msg out;
  amqp::message_to_amqp(ref_of(m), 2000, out.m);
  Msg got;
  wire(out.m, got.m);
  CHECK(pn_message_is_durable(got.m));
  CHECK(pn_message_get_priority(got.m) == 7);
  CHECK(pn_message_get_ttl(got.m) == 4000);
  CHECK(std::string(pn_message_get_subject(got.m)) == "greeting");
  CHECK(std::string(pn_message_get_reply_to(got.m)) == "replies");
  CHECK(std::string(pn_message_get_content_type(got.m)) == "text/plain");
  CHECK(std::string(pn_message_get_group_id(got.m)) == "g1");
  CHECK(std::string(pn_message_get_address(got.m)) == "orders");
  const pn_atom_t got_id = pn_message_get_id(got.m);
  REQUIRE(got_id.type == PN_STRING);
  CHECK(std::string(got_id.u.as_bytes.start, got_id.u.as_bytes.size) == "msg-1");
  const pn_atom_t got_corr = pn_message_get_correlation_id(got.m);
  REQUIRE(got_corr.type == PN_ULONG);
  CHECK(got_corr.u.as_ulong == 99);

  pn_data_t* gp = pn_message_properties(got.m);
  pn_data_rewind(gp);
  REQUIRE(pn_data_next(gp));
  REQUIRE(pn_data_type(gp) == PN_MAP);
  CHECK(pn_data_get_map(gp) == 10);  // five properties, none of the mapped or internal ones
  pn_data_t* body = pn_message_body(got.m);
  pn_data_rewind(body);
  REQUIRE(pn_data_next(body));
  REQUIRE(pn_data_type(body) == PN_STRING);
  CHECK(std::string(pn_data_get_string(body).start, pn_data_get_string(body).size) == "hello");
}

TEST_CASE("a Data section is a bytes body and goes back out as a Data section") {
  Msg in;
  pn_message_set_inferred(in.m, true);
  pn_data_put_binary(pn_message_body(in.m), b(std::string_view("\0\1\2", 3)));
  const auto m = to_core(in.m);
  CHECK(m->record.type == store::BodyType::bytes);
  CHECK(m->record.body == std::string("\0\1\2", 3));
  CHECK(!m->record.durable);
  CHECK(m->record.priority == 4);

  Msg out;
  amqp::message_to_amqp(ref_of(m), 0, out.m);
  Msg got;
  wire(out.m, got.m);
  CHECK(pn_message_is_inferred(got.m));  // decoded from a Data section
  pn_data_t* body = pn_message_body(got.m);
  pn_data_rewind(body);
  REQUIRE(pn_data_next(body));
  CHECK(pn_data_type(body) == PN_BINARY);
  // A message without a message-id of its own gets the broker's id.
  CHECK(pn_message_get_id(got.m).type == PN_ULONG);
  CHECK(pn_message_get_id(got.m).u.as_ulong == 42);
  // No application properties at all: not even an empty section.
  pn_data_t* props = pn_message_properties(got.m);
  pn_data_rewind(props);
  CHECK(!pn_data_next(props));
}

TEST_CASE("a message the core cannot hold is refused with the reason") {
  SUBCASE("an AmqpSequence / list body") {
    Msg in;
    pn_data_t* body = pn_message_body(in.m);
    pn_data_put_list(body);
    pn_data_enter(body);
    pn_data_put_int(body, 1);
    pn_data_exit(body);
    Msg received;
    wire(in.m, received.m);
    std::string why;
    CHECK(!amqp::message_from_amqp(received.m, 0, why));
    CHECK(why.find("not supported") != std::string::npos);
  }
  SUBCASE("a map-valued application property") {
    Msg in;
    pn_data_t* props = pn_message_properties(in.m);
    pn_data_put_map(props);
    pn_data_enter(props);
    put_property(props, "nested");
    pn_data_put_map(props);
    pn_data_exit(props);
    Msg received;
    wire(in.m, received.m);
    std::string why;
    CHECK(!amqp::message_from_amqp(received.m, 0, why));
    CHECK(why.find("nested") != std::string::npos);
  }
}

TEST_CASE("x-opt-delivery-delay and x-opt-delivery-time schedule the message") {
  Msg in;
  pn_data_t* ann = pn_message_annotations(in.m);
  pn_data_put_map(ann);
  pn_data_enter(ann);
  pn_data_put_symbol(ann, b("x-opt-delivery-delay"));
  pn_data_put_long(ann, 250);
  pn_data_exit(ann);
  CHECK(to_core(in.m, 1000)->record.scheduled == 1250);

  Msg at;
  pn_data_t* a2 = pn_message_annotations(at.m);
  pn_data_put_map(a2);
  pn_data_enter(a2);
  pn_data_put_symbol(a2, b("x-opt-delivery-time"));
  pn_data_put_timestamp(a2, 777777);
  pn_data_exit(a2);
  CHECK(to_core(at.m, 1000)->record.scheduled == 777777);
}

TEST_CASE("a STOMP-born message (text, string properties) reaches AMQP as a string body") {
  auto m = std::make_shared<core::Message>();
  m->record.id = 7;
  m->record.address = "q";
  m->record.type = store::BodyType::text;
  m->record.body = "from stomp";
  m->record.properties.set_text("colour", "blue");
  m->record.properties.set_text(core::props::connection_id, "c-1");  // internal: not sent
  Msg out;
  amqp::message_to_amqp(ref_of(m), 0, out.m);
  Msg got;
  wire(out.m, got.m);
  pn_data_t* props = pn_message_properties(got.m);
  pn_data_rewind(props);
  REQUIRE(pn_data_next(props));
  CHECK(pn_data_get_map(props) == 2);
  pn_data_t* body = pn_message_body(got.m);
  pn_data_rewind(body);
  REQUIRE(pn_data_next(body));
  CHECK(pn_data_type(body) == PN_STRING);
}
