// Finding the sections of an encoded AMQP message without decoding them.
#include "protocol/amqp/sections.hpp"

#include <doctest/doctest.h>

#include <string>

namespace amqp = artemis::protocol::amqp;

namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s += static_cast<char>(c);
  return s;
}

// A Data section of `payload`, descriptor as a smallulong.
std::string data_section(std::string_view payload) {
  std::string s;
  amqp::append_data_section(s, payload);
  return s;
}

}  // namespace

TEST_CASE("sections: header, properties, several Data sections and a footer") {
  std::string m;
  amqp::append_header_section(m, true, 9, 1000, 3);
  const std::string header = m;
  // properties: list0 with the descriptor as the symbol (the long form is legal too)
  const std::string properties = bytes({0x00, 0xa3, 20}) + "amqp:properties:list" + bytes({0x45});
  const std::string footer = bytes({0x00, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x78, 0xc1, 0x01, 0x00});
  m += properties + data_section("one") + data_section(std::string(300, 'x')) + footer;
  std::string why;
  const auto s = amqp::split_sections(m, why);
  REQUIRE_MESSAGE(s, why);
  CHECK(s->header == header);
  CHECK(s->properties == properties);
  CHECK(s->body_kind == amqp::Section::data);
  CHECK(s->body_sections == 2);
  CHECK(s->body == data_section("one") + data_section(std::string(300, 'x')));
  CHECK(s->footer == footer);
  CHECK(s->message_annotations.empty());

  bool is_string = true;
  const std::string one = data_section("one");
  const auto value = amqp::section_value(one);
  REQUIRE(value);
  CHECK(amqp::binary_or_string(*value, is_string) == "one");
  CHECK(!is_string);
}

TEST_CASE("sections: bytes the specification does not allow are refused") {
  std::string why;
  const std::string value = [] {
    std::string s;
    amqp::append_string_value_section(s, "v");
    return s;
  }();
  CHECK(!amqp::split_sections(value + value, why));                    // two AmqpValues
  CHECK(!amqp::split_sections(value + data_section("d"), why));        // mixed body kinds
  CHECK(!amqp::split_sections(data_section("d").substr(0, 5), why));   // truncated
  CHECK(!amqp::split_sections(bytes({0x41}), why));                    // not described
  CHECK(!amqp::split_sections(bytes({0x00, 0x53, 0x99, 0x40}), why));  // unknown section
  std::string header;
  amqp::append_header_section(header, false, 4, std::nullopt, 0);
  CHECK(!amqp::split_sections(value + header, why));  // out of order
  CHECK(!why.empty());
  // A descriptor nested deeper than any real message: refused, not recursed into.
  CHECK(!amqp::split_sections(std::string(64, '\0'), why));
  CHECK(amqp::split_sections("", why));  // no sections at all: an empty message
}

TEST_CASE("sections: where a large message's Data payload starts, from its first bytes") {
  std::string head;
  amqp::append_header_section(head, true, 4, std::nullopt, 0);
  head += bytes({0x00, 0x53, 0x74, 0xc1, 0x01, 0x00});  // application-properties: an empty map
  std::string m = head;
  amqp::append_data_head(m, 300'000);
  const std::size_t payload_at = m.size();
  m += std::string(1000, 'p');  // the payload's first bytes only

  amqp::DataBodyStart at;
  REQUIRE(amqp::find_data_body(m, at) == amqp::BodyScan::found);
  CHECK(at.head == head.size());
  CHECK(at.payload_at == payload_at);
  CHECK(at.payload_size == 300'000);
  // Every shorter prefix that stops inside the sections or the Data head asks for more.
  for (std::size_t n = 0; n < payload_at; ++n) {
    CAPTURE(n);
    CHECK(amqp::find_data_body(std::string_view(m).substr(0, n), at) == amqp::BodyScan::need_more);
  }
  // A body that is an AmqpValue, or bytes that are no section, are not a Data body.
  std::string value = head;
  amqp::append_string_value_section(value, "text");
  CHECK(amqp::find_data_body(value, at) == amqp::BodyScan::not_data);
  CHECK(amqp::find_data_body(bytes({0x41, 0x42, 0x43, 0x44}), at) == amqp::BodyScan::not_data);
}
