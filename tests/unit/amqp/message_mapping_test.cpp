// AMQP message <-> core message: what survives the broker, and what is refused.
#include "protocol/amqp/message_mapping.hpp"

#include <doctest/doctest.h>
#include <proton/codec.h>

#include <cstring>
#include <memory>

#include "protocol/amqp/sections.hpp"

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

core::MessagePtr to_core(pn_message_t* in, std::int64_t now = 1000,
                         bool duplicate_detection = true) {
  std::string bytes;
  REQUIRE(amqp::encode(in, bytes));
  Msg received;
  REQUIRE(pn_message_decode(received.m, bytes.data(), bytes.size()) == 0);
  std::string why;
  auto m = amqp::message_from_amqp(received.m, bytes, now, duplicate_detection, why);
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

// What a consumer of `m` receives at `now`, decoded into `got`.
void deliver(core::MessagePtr m, std::int64_t now, pn_message_t* got,
             std::uint32_t delivery_count = 0) {
  auto ref = ref_of(std::move(m));
  ref.delivery_count = delivery_count;
  Msg scratch;
  std::string bytes;
  REQUIRE(amqp::encode_delivery(ref, now, scratch.m, bytes));
  REQUIRE(pn_message_decode(got, bytes.data(), bytes.size()) == 0);
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

  Msg got;
  deliver(m, 2000, got.m);
  CHECK(pn_message_is_durable(got.m));
  CHECK(pn_message_get_priority(got.m) == 7);
  CHECK(pn_message_get_ttl(got.m) == 4000);
  CHECK(std::string(pn_message_get_subject(got.m)) == "greeting");
  CHECK(std::string(pn_message_get_reply_to(got.m)) == "replies");
  CHECK(std::string(pn_message_get_content_type(got.m)) == "text/plain");
  CHECK(std::string(pn_message_get_group_id(got.m)) == "g1");
  CHECK(pn_message_get_address(got.m) == nullptr);  // kept as sent: the producer set no `to`
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

  Msg got;
  deliver(m, 0, got.m);
  CHECK(pn_message_is_inferred(got.m));  // decoded from a Data section
  pn_data_t* body = pn_message_body(got.m);
  pn_data_rewind(body);
  REQUIRE(pn_data_next(body));
  CHECK(pn_data_type(body) == PN_BINARY);
  // Kept as sent: a message without a message-id gets none.
  CHECK(pn_message_get_id(got.m).type == PN_NULL);
  // No application properties at all: not even an empty section.
  pn_data_t* props = pn_message_properties(got.m);
  pn_data_rewind(props);
  CHECK(!pn_data_next(props));
}

TEST_CASE("a body of any kind and a non-scalar application property go back out as sent") {
  Msg in;
  pn_data_t* props = pn_message_properties(in.m);
  pn_data_put_map(props);
  pn_data_enter(props);
  put_property(props, "nested");
  pn_data_put_map(props);
  put_property(props, "plain");
  pn_data_put_int(props, 5);
  pn_data_exit(props);
  pn_data_t* body = pn_message_body(in.m);  // the Proton examples' {"sequence": 1}
  pn_data_put_map(body);
  pn_data_enter(body);
  pn_data_put_string(body, b("sequence"));
  pn_data_put_int(body, 1);
  pn_data_exit(body);
  std::string sent;
  REQUIRE(amqp::encode(in.m, sent));

  const auto m = to_core(in.m);
  CHECK(m->record.type == store::BodyType::amqp);
  // The typed copy has what a core property can hold, for selectors and other protocols.
  CHECK(m->record.properties.at("plain") == store::PropertyValue{std::int32_t{5}});
  CHECK(!m->record.properties.contains("nested"));

  auto ref = ref_of(m);
  Msg scratch;
  std::string out;
  REQUIRE(amqp::encode_delivery(ref, 0, scratch.m, out));
  // Behind the broker's header, byte for byte what the producer sent after its own.
  std::string why;
  const auto sent_sections = amqp::split_sections(sent, why);
  REQUIRE(sent_sections);
  CHECK(out.ends_with(sent.substr(sent_sections->header.size())));
  Msg got;
  REQUIRE(pn_message_decode(got.m, out.data(), out.size()) == 0);
  pn_data_t* gb = pn_message_body(got.m);
  pn_data_rewind(gb);
  REQUIRE(pn_data_next(gb));
  CHECK(pn_data_type(gb) == PN_MAP);
}

TEST_CASE("ids keep their AMQP type, annotations and the footer are kept") {
  Msg in;
  pn_atom_t id{};
  id.type = PN_UUID;
  for (int i = 0; i < 16; ++i) id.u.as_uuid.bytes[i] = static_cast<char>(i);
  pn_message_set_id(in.m, id);
  pn_atom_t corr{};
  corr.type = PN_ULONG;
  corr.u.as_ulong = ~std::uint64_t{0};  // above what a signed property holds
  pn_message_set_correlation_id(in.m, corr);
  pn_data_t* ann = pn_message_annotations(in.m);
  pn_data_put_map(ann);
  pn_data_enter(ann);
  pn_data_put_symbol(ann, b("x-opt-jms-msg-type"));
  pn_data_put_byte(ann, 5);
  pn_data_exit(ann);
  pn_data_t* footer = pn_message_instructions(in.m);  // delivery annotations: not kept
  pn_data_put_map(footer);
  pn_data_enter(footer);
  pn_data_put_symbol(footer, b("x-hop"));
  pn_data_put_int(footer, 1);
  pn_data_exit(footer);
  pn_data_put_string(pn_message_body(in.m), b("hello"));

  const auto m = to_core(in.m);
  CHECK(m->record.type == store::BodyType::text);
  Msg got;
  deliver(m, 0, got.m, 2);
  CHECK(pn_message_get_id(got.m).type == PN_UUID);
  CHECK(std::memcmp(pn_message_get_id(got.m).u.as_uuid.bytes, id.u.as_uuid.bytes, 16) == 0);
  CHECK(pn_message_get_correlation_id(got.m).type == PN_ULONG);
  CHECK(pn_message_get_correlation_id(got.m).u.as_ulong == ~std::uint64_t{0});
  CHECK(pn_message_get_delivery_count(got.m) == 2);
  pn_data_t* ga = pn_message_annotations(got.m);
  pn_data_rewind(ga);
  REQUIRE(pn_data_next(ga));
  CHECK(pn_data_get_map(ga) == 2);
  pn_data_t* gi = pn_message_instructions(got.m);
  pn_data_rewind(gi);
  CHECK(!pn_data_next(gi));  // delivery annotations are for one hop only
}

TEST_CASE("a dead-lettered AMQP message carries the broker's annotations") {
  Msg in;
  pn_data_put_string(pn_message_body(in.m), b("poison"));
  pn_message_set_subject(in.m, "s");
  const auto m = to_core(in.m);
  m->record.properties.set(core::props::orig_address, store::PropertyValue{"orders"});
  m->record.properties.set(core::props::orig_message_id, store::PropertyValue{std::int64_t{42}});
  Msg got;
  deliver(m, 0, got.m);
  CHECK(std::string(pn_message_get_subject(got.m)) == "s");
  pn_data_t* ga = pn_message_annotations(got.m);
  pn_data_rewind(ga);
  REQUIRE(pn_data_next(ga));
  REQUIRE(pn_data_get_map(ga) == 4);
  pn_data_enter(ga);
  REQUIRE(pn_data_next(ga));
  CHECK(std::string(pn_data_get_symbol(ga).start, pn_data_get_symbol(ga).size) ==
        "x-opt-ORIG-ADDRESS");
  REQUIRE(pn_data_next(ga));
  CHECK(std::string(pn_data_get_string(ga).start, pn_data_get_string(ga).size) == "orders");
}

TEST_CASE("bytes that are no AMQP message are refused with the reason") {
  Msg in;
  pn_data_put_string(pn_message_body(in.m), b("x"));
  std::string bytes;
  REQUIRE(amqp::encode(in.m, bytes));
  Msg decoded;
  REQUIRE(pn_message_decode(decoded.m, bytes.data(), bytes.size()) == 0);
  std::string why;
  CHECK(!amqp::message_from_amqp(decoded.m, bytes + bytes, 0, true, why));  // two AmqpValue bodies
  CHECK(why.find("out of order") != std::string::npos);
  why.clear();
  CHECK(!amqp::message_from_amqp(decoded.m, bytes.substr(0, bytes.size() - 1), 0, true, why));
  CHECK(!why.empty());
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
  auto m = core::make_message();
  m->record.id = 7;
  m->record.address = "q";
  m->record.type = store::BodyType::text;
  m->record.body = "from stomp";
  m->record.properties.set_text("colour", "blue");
  m->record.properties.set_text(core::props::connection_id, "c-1");  // internal: not sent
  Msg got;
  deliver(m, 0, got.m);
  pn_data_t* props = pn_message_properties(got.m);
  pn_data_rewind(props);
  REQUIRE(pn_data_next(props));
  CHECK(pn_data_get_map(props) == 2);
  pn_data_t* body = pn_message_body(got.m);
  pn_data_rewind(body);
  REQUIRE(pn_data_next(body));
  CHECK(pn_data_type(body) == PN_STRING);
}

TEST_CASE("application properties the typed copy holds exactly are kept once, and go out alike") {
  Msg in;
  pn_data_t* props = pn_message_properties(in.m);
  pn_data_put_map(props);
  pn_data_enter(props);
  put_property(props, "count");
  pn_data_put_int(props, 3);
  put_property(props, "tiny");
  pn_data_put_byte(props, -2);
  put_property(props, "_AMQ_DUPL_ID");
  pn_data_put_string(props, b("d-1"));
  pn_data_exit(props);
  pn_message_set_subject(in.m, "s");
  pn_data_put_string(pn_message_body(in.m), b("x"));
  const auto m = to_core(in.m);
  const auto kept = m->record.properties.find(amqp::kSections);
  REQUIRE(kept);
  std::string why;
  const auto sections = amqp::split_sections(*kept->binary(), why);
  REQUIRE(sections);
  CHECK(sections->application_properties.empty());  // not stored twice
  CHECK(!sections->properties.empty());

  Msg got;
  deliver(m, 0, got.m);
  CHECK(std::string(pn_message_get_subject(got.m)) == "s");
  pn_data_t* gp = pn_message_properties(got.m);
  pn_data_rewind(gp);
  REQUIRE(pn_data_next(gp));
  REQUIRE(pn_data_get_map(gp) == 6);
  pn_data_enter(gp);
  REQUIRE(pn_data_next(gp));
  CHECK(std::string(pn_data_get_string(gp).start, pn_data_get_string(gp).size) == "count");
  REQUIRE(pn_data_next(gp));
  CHECK(pn_data_type(gp) == PN_INT);
  REQUIRE(pn_data_next(gp));
  REQUIRE(pn_data_next(gp));
  CHECK(pn_data_type(gp) == PN_BYTE);
  CHECK(pn_data_get_byte(gp) == -2);
}

TEST_CASE(
    "amqpDuplicateDetection=false: _AMQ_DUPL_ID is no duplicate id, and still reaches "
    "the consumer") {
  Msg in;
  pn_data_t* props = pn_message_properties(in.m);
  pn_data_put_map(props);
  pn_data_enter(props);
  put_property(props, "_AMQ_DUPL_ID");
  pn_data_put_string(props, b("d-1"));
  pn_data_exit(props);
  pn_data_put_string(pn_message_body(in.m), b("x"));
  CHECK(to_core(in.m)->property(core::props::duplicate_id) == "d-1");
  const auto m = to_core(in.m, 1000, false);
  CHECK_FALSE(m->property(core::props::duplicate_id));

  Msg got;
  deliver(m, 0, got.m);
  pn_data_t* gp = pn_message_properties(got.m);
  pn_data_rewind(gp);
  REQUIRE(pn_data_next(gp));
  REQUIRE(pn_data_get_map(gp) == 2);
  pn_data_enter(gp);
  REQUIRE(pn_data_next(gp));
  CHECK(std::string(pn_data_get_string(gp).start, pn_data_get_string(gp).size) == "_AMQ_DUPL_ID");
  REQUIRE(pn_data_next(gp));
  CHECK(std::string(pn_data_get_string(gp).start, pn_data_get_string(gp).size) == "d-1");
}
