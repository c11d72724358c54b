#include "protocol/amqp/sections.hpp"

#include <array>
#include <utility>

namespace artemis::protocol::amqp {
namespace {

std::uint8_t byte_at(std::string_view b, std::size_t i) {
  return static_cast<std::uint8_t>(b[i]);
}

std::uint32_t big_endian_u32(std::string_view b, std::size_t at) {
  return std::uint32_t{byte_at(b, at)} << 24 | std::uint32_t{byte_at(b, at + 1)} << 16 |
         std::uint32_t{byte_at(b, at + 2)} << 8 | std::uint32_t{byte_at(b, at + 3)};
}

// Bytes the encoded value at the start of `b` takes, constructor included; nullopt when it
// runs past the end. The width of a value follows from its format code's high nibble (AMQP 1.0
// §1.6): 0x4 none, 0x5 one byte ... 0x9 sixteen; 0xa/0xc/0xe a one-byte size, 0xb/0xd/0xf a
// four-byte one. A described value's descriptor may itself be described: `depth` bounds that.
std::optional<std::size_t> value_size(std::string_view b, int depth = 0) {
  if (b.empty()) return std::nullopt;
  const std::uint8_t code = byte_at(b, 0);
  if (code == 0x00) {
    if (depth >= 8) return std::nullopt;
    const auto descriptor = value_size(b.substr(1), depth + 1);
    if (!descriptor) return std::nullopt;
    const auto value = value_size(b.substr(1 + *descriptor), depth + 1);
    if (!value) return std::nullopt;
    return 1 + *descriptor + *value;
  }
  static constexpr std::array<int, 16> fixed{-1, -1, -1, -1, 0,  1,  2,  4,
                                             8,  16, -1, -1, -1, -1, -1, -1};
  const int width = fixed[code >> 4];
  std::size_t total = 0;
  if (width >= 0) {
    total = 1 + static_cast<std::size_t>(width);
  } else if (const int nibble = code >> 4; nibble == 0xa || nibble == 0xc || nibble == 0xe) {
    if (b.size() < 2) return std::nullopt;
    total = 2 + std::size_t{byte_at(b, 1)};
  } else if (nibble == 0xb || nibble == 0xd || nibble == 0xf) {
    if (b.size() < 5) return std::nullopt;
    total = 5 + std::size_t{big_endian_u32(b, 1)};
  } else {
    return std::nullopt;  // 0x0 (handled above) to 0x3: no such format codes
  }
  if (total > b.size()) return std::nullopt;
  return total;
}

// The section code a descriptor names: a ulong (smallulong, ulong, ulong0) or the symbol.
std::optional<std::uint8_t> descriptor_code(std::string_view d) {
  if (d.empty()) return std::nullopt;
  switch (byte_at(d, 0)) {
    case 0x53:
      if (d.size() < 2) return std::nullopt;
      return byte_at(d, 1);
    case 0x80: {
      if (d.size() < 9) return std::nullopt;
      for (std::size_t i = 1; i < 8; ++i)
        if (byte_at(d, i) != 0) return std::nullopt;
      return byte_at(d, 8);
    }
    case 0xa3:
    case 0xb3: {
      const std::size_t head = byte_at(d, 0) == 0xa3 ? 2 : 5;
      const auto size = value_size(d);
      if (!size) return std::nullopt;
      const std::string_view name = d.substr(head, *size - head);
      static constexpr std::array<std::pair<std::string_view, std::uint8_t>, 9> names{{
          {"amqp:header:list", 0x70},
          {"amqp:delivery-annotations:map", 0x71},
          {"amqp:message-annotations:map", 0x72},
          {"amqp:properties:list", 0x73},
          {"amqp:application-properties:map", 0x74},
          {"amqp:data:binary", 0x75},
          {"amqp:amqp-sequence:list", 0x76},
          {"amqp:amqp-value:*", 0x77},
          {"amqp:footer:map", 0x78},
      }};
      for (const auto& [n, code] : names)
        if (n == name) return code;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

// Where a section may appear: header, delivery annotations, message annotations, properties,
// application properties, the body, the footer.
int rank_of(Section s) {
  switch (s) {
    case Section::header:
      return 0;
    case Section::delivery_annotations:
      return 1;
    case Section::message_annotations:
      return 2;
    case Section::properties:
      return 3;
    case Section::application_properties:
      return 4;
    case Section::data:
    case Section::amqp_sequence:
    case Section::amqp_value:
      return 5;
    case Section::footer:
      return 6;
  }
  return -1;
}

std::string_view* slot_of(Sections& s, Section code) {
  switch (code) {
    case Section::header:
      return &s.header;
    case Section::delivery_annotations:
      return &s.delivery_annotations;
    case Section::message_annotations:
      return &s.message_annotations;
    case Section::properties:
      return &s.properties;
    case Section::application_properties:
      return &s.application_properties;
    case Section::footer:
      return &s.footer;
    default:
      return &s.body;
  }
}

void append_section_head(std::string& out, Section code, std::uint8_t short_form,
                         std::size_t size) {
  out += '\0';
  out += '\x53';
  out += static_cast<char>(code);
  if (size < 256) {
    out += static_cast<char>(short_form);
    out += static_cast<char>(size);
  } else {
    out += static_cast<char>(short_form | 0x10);  // vbin8 0xa0 -> vbin32 0xb0, str8 -> str32
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(size >> shift);
  }
}

}  // namespace

BodyScan find_data_body(std::string_view prefix, DataBodyStart& out) {
  std::size_t at = 0;
  // Bounded: each pass moves past one whole section or returns; at most the six non-body ones.
  for (int sections = 0; sections < 8; ++sections) {
    if (prefix.size() - at < 3) return BodyScan::need_more;
    if (byte_at(prefix, at) != 0x00) return BodyScan::not_data;
    const std::string_view rest = prefix.substr(at + 1);
    const auto descriptor = value_size(rest);
    if (!descriptor) return rest.size() < 9 ? BodyScan::need_more : BodyScan::not_data;
    const auto code = descriptor_code(rest.substr(0, *descriptor));
    if (!code) return BodyScan::not_data;
    const std::size_t value_at = at + 1 + *descriptor;
    const auto section = static_cast<Section>(*code);
    if (rank_of(section) < 0) return BodyScan::not_data;
    if (rank_of(section) >= 5) {
      if (section != Section::data) return BodyScan::not_data;
      if (prefix.size() <= value_at) return BodyScan::need_more;
      const std::uint8_t constructor = byte_at(prefix, value_at);
      const std::size_t size_bytes = constructor == 0xa0 ? 1 : constructor == 0xb0 ? 4 : 0;
      if (size_bytes == 0) return BodyScan::not_data;
      if (prefix.size() < value_at + 1 + size_bytes) return BodyScan::need_more;
      out.head = at;
      out.payload_at = value_at + 1 + size_bytes;
      out.payload_size =
          size_bytes == 1 ? byte_at(prefix, value_at + 1) : big_endian_u32(prefix, value_at + 1);
      return BodyScan::found;
    }
    const auto value = value_size(prefix.substr(value_at));
    if (!value) return BodyScan::need_more;  // this section is not all here yet
    at = value_at + *value;
  }
  return BodyScan::not_data;
}

std::optional<Sections> split_sections(std::string_view message, std::string& why) {
  Sections s;
  int last_rank = -1;
  for (std::size_t at = 0; at < message.size();) {
    const std::string_view rest = message.substr(at);
    const auto size = byte_at(rest, 0) == 0x00 ? value_size(rest) : std::nullopt;
    if (!size) {
      why = "the message holds bytes that are no section (or a section runs past its end)";
      return std::nullopt;
    }
    const auto code = descriptor_code(rest.substr(1));
    if (!code || *code < 0x70 || *code > 0x78) {
      why = "the message holds a section with an unknown descriptor";
      return std::nullopt;
    }
    const auto section = static_cast<Section>(*code);
    const int rank = rank_of(section);
    const bool body = rank == 5;
    if (rank < last_rank || (rank == last_rank && !body) ||
        (body && s.body_sections > 0 &&
         (section != s.body_kind || section == Section::amqp_value))) {
      why = "the message's sections are out of order, repeated or of mixed body kinds";
      return std::nullopt;
    }
    std::string_view* slot = slot_of(s, section);
    // Body sections follow each other: the span grows over them.
    *slot = slot->empty() ? rest.substr(0, *size)
                          : std::string_view(slot->data(), slot->size() + *size);
    if (body) {
      s.body_kind = section;
      ++s.body_sections;
    }
    last_rank = rank;
    at += *size;
  }
  return s;
}

std::optional<std::string_view> section_value(std::string_view section) {
  if (section.empty() || byte_at(section, 0) != 0x00) return std::nullopt;
  const auto descriptor = value_size(section.substr(1));
  if (!descriptor) return std::nullopt;
  const std::string_view value = section.substr(1 + *descriptor);
  if (value_size(value) != value.size()) return std::nullopt;
  return value;
}

std::optional<std::string_view> binary_or_string(std::string_view value, bool& is_string) {
  if (value.empty() || value_size(value) != value.size()) return std::nullopt;
  const std::uint8_t code = byte_at(value, 0);
  is_string = code == 0xa1 || code == 0xb1;
  if (code == 0xa0 || code == 0xa1) return value.substr(2);
  if (code == 0xb0 || code == 0xb1) return value.substr(5);
  return std::nullopt;
}

void append_header_section(std::string& out, bool durable, std::uint8_t priority,
                           std::optional<std::uint32_t> ttl, std::uint32_t delivery_count) {
  auto put_uint = [&](std::uint32_t v) {
    out += '\x70';
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(v >> shift);
  };
  const std::size_t ttl_size = ttl ? 5 : 1;
  out += '\0';
  out += '\x53';
  out += static_cast<char>(Section::header);
  out += '\xc0';  // list8: size, count, then the five fields
  out += static_cast<char>(1 + 1 + 2 + ttl_size + 1 + 5);
  out += '\x05';
  out += durable ? '\x41' : '\x42';
  out += '\x50';
  out += static_cast<char>(priority);
  if (ttl)
    put_uint(*ttl);
  else
    out += '\x40';
  out += '\x42';  // first-acquirer: false
  put_uint(delivery_count);
}

void append_data_section(std::string& out, std::string_view payload) {
  append_data_head(out, payload.size());
  out += payload;
}

void append_string_value_section(std::string& out, std::string_view text) {
  append_string_value_head(out, text.size());
  out += text;
}

void append_data_head(std::string& out, std::size_t size) {
  append_section_head(out, Section::data, 0xa0, size);
}

void append_string_value_head(std::string& out, std::size_t size) {
  append_section_head(out, Section::amqp_value, 0xa1, size);
}

}  // namespace artemis::protocol::amqp
