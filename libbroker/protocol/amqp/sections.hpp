#pragma once
// The sections of an encoded AMQP message (AMQP 1.0 §3.2), found without decoding them: the
// broker keeps what a producer sent as it was sent (reference/addressing-protocols.md §7.5), so
// it needs where each section starts and ends, not its values. Pure functions, any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace artemis::protocol::amqp {

// Section descriptor codes (amqp:header:list = 0x70 ... amqp:footer:map = 0x78).
enum class Section : std::uint8_t {
  header = 0x70,
  delivery_annotations = 0x71,
  message_annotations = 0x72,
  properties = 0x73,
  application_properties = 0x74,
  data = 0x75,
  amqp_sequence = 0x76,
  amqp_value = 0x77,
  footer = 0x78,
};

// Each section's bytes (descriptor included) in the encoded message; empty when absent. `body`
// spans every body section: one or more Data, one or more AmqpSequence, or one AmqpValue.
struct Sections {
  std::string_view header, delivery_annotations, message_annotations, properties,
      application_properties, body, footer;
  Section body_kind = Section::data;  // meaningful when `body` is not empty
  int body_sections = 0;
};

// Where a message whose first bytes are `prefix` has its body, if that body starts with a Data
// section: the sections before it end at `head`, its payload starts at `payload_at` and holds
// `payload_size` bytes (which need not be in `prefix` yet). For streaming a large message's
// payload to its file as it arrives.
struct DataBodyStart {
  std::size_t head = 0;
  std::size_t payload_at = 0;
  std::uint64_t payload_size = 0;
};
enum class BodyScan { need_more, not_data, found };
BodyScan find_data_body(std::string_view prefix, DataBodyStart& out);

// Splits `message` into its sections; nullopt (and `why`) when the bytes are not a sequence of
// sections in the order the specification fixes, each at most once (body sections excepted).
std::optional<Sections> split_sections(std::string_view message, std::string& why);

// The bytes of the one value a section holds (after its descriptor), e.g. a Data section's
// binary with its constructor and size; nullopt if `section` is not a well-formed section.
std::optional<std::string_view> section_value(std::string_view section);

// The payload of a binary (vbin8/vbin32) or string (str8/str32) `value`: its bytes without
// constructor and size. nullopt for a value of any other type; `is_string` tells which it was.
std::optional<std::string_view> binary_or_string(std::string_view value, bool& is_string);

// A header section (durable, priority, ttl, first-acquirer false, delivery-count) appended to
// `out`.
void append_header_section(std::string& out, bool durable, std::uint8_t priority,
                           std::optional<std::uint32_t> ttl, std::uint32_t delivery_count);

// The encoding of a Data section holding `payload` / an AmqpValue section holding the string
// `text`, appended to `out`.
void append_data_section(std::string& out, std::string_view payload);
void append_string_value_section(std::string& out, std::string_view text);
// The same sections' heads alone, for a body of `size` bytes that follows them (streamed).
void append_data_head(std::string& out, std::size_t size);
void append_string_value_head(std::string& out, std::size_t size);

}  // namespace artemis::protocol::amqp
