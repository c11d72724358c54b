#include "store/properties.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace artemis::store {
namespace {

template <class T>
T load_scalar(std::string_view bytes) {
  T v{};
  std::memcpy(&v, bytes.data(), sizeof v);
  return v;
}

// Lengths are varints (7 bits a byte, low bits first): nearly every key and value is shorter than
// 128 bytes, so a length costs one byte instead of four.
std::size_t load_length(std::string_view buf, std::size_t& at) {
  if (const auto first = static_cast<std::uint8_t>(buf[at]); first < 0x80) {
    ++at;
    return first;
  }
  std::size_t v = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<std::uint8_t>(buf[at++]);
    v |= static_cast<std::size_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return v;
  }
}

std::size_t length_size(std::size_t v) {
  std::size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

void store_length(PackedBytes& buf, std::size_t v) {
  while (v >= 0x80) {
    buf.push_back(static_cast<char>(static_cast<std::uint8_t>(v | 0x80)));
    v >>= 7;
  }
  buf.push_back(static_cast<char>(static_cast<std::uint8_t>(v)));
}

template <class T>
void store_scalar(PackedBytes& buf, T v) {
  buf.append(std::string_view(reinterpret_cast<const char*>(&v), sizeof v));
}

// Bytes of a fixed-width value of this type; 0 for null, -1 for the length-prefixed ones.
int fixed_width(PropertyType t) {
  switch (t) {
    case PropertyType::null: return 0;
    case PropertyType::boolean:
    case PropertyType::int8: return 1;
    case PropertyType::int16: return 2;
    case PropertyType::int32:
    case PropertyType::float32: return 4;
    case PropertyType::int64:
    case PropertyType::float64: return 8;
    case PropertyType::string:
    case PropertyType::binary: return -1;
  }
  return 0;
}

struct Decoded {
  std::string_view key;
  PropertyType type;
  std::string_view payload;
  std::size_t next;  // where the following entry starts
};

Decoded decode_at(std::string_view buf, std::size_t at) {
  const auto klen = load_length(buf, at);
  Decoded d{buf.substr(at, klen), PropertyType::null, {}, 0};
  at += klen;
  d.type = static_cast<PropertyType>(static_cast<std::uint8_t>(buf[at]));
  ++at;
  auto width = fixed_width(d.type);
  std::size_t len = 0;
  if (width < 0) {
    len = load_length(buf, at);
  } else {
    len = static_cast<std::size_t>(width);
  }
  d.payload = buf.substr(at, len);
  d.next = at + len;
  return d;
}

}  // namespace

std::optional<std::string_view> PropertyView::text() const {
  if (type_ != PropertyType::string) return std::nullopt;
  return payload_;
}

std::optional<std::string_view> PropertyView::binary() const {
  if (type_ != PropertyType::binary) return std::nullopt;
  return payload_;
}

std::optional<bool> PropertyView::as_bool() const {
  if (type_ != PropertyType::boolean) return std::nullopt;
  return payload_[0] != 0;
}

std::optional<std::int64_t> PropertyView::as_integer() const {
  switch (type_) {
    case PropertyType::int8: return load_scalar<std::int8_t>(payload_);
    case PropertyType::int16: return load_scalar<std::int16_t>(payload_);
    case PropertyType::int32: return load_scalar<std::int32_t>(payload_);
    case PropertyType::int64: return load_scalar<std::int64_t>(payload_);
    default: return std::nullopt;
  }
}

std::optional<double> PropertyView::as_floating() const {
  if (type_ == PropertyType::float32) return static_cast<double>(load_scalar<float>(payload_));
  if (type_ == PropertyType::float64) return load_scalar<double>(payload_);
  return std::nullopt;
}

std::optional<float> PropertyView::float32() const {
  if (type_ != PropertyType::float32) return std::nullopt;
  return load_scalar<float>(payload_);
}

PropertyValue PropertyView::to_value() const {
  switch (type_) {
    case PropertyType::null: return {};
    case PropertyType::boolean: return PropertyValue(payload_[0] != 0);
    case PropertyType::int8: return PropertyValue(load_scalar<std::int8_t>(payload_));
    case PropertyType::int16: return PropertyValue(load_scalar<std::int16_t>(payload_));
    case PropertyType::int32: return PropertyValue(load_scalar<std::int32_t>(payload_));
    case PropertyType::int64: return PropertyValue(load_scalar<std::int64_t>(payload_));
    case PropertyType::float32: return PropertyValue(load_scalar<float>(payload_));
    case PropertyType::float64: return PropertyValue(load_scalar<double>(payload_));
    case PropertyType::string: return PropertyValue(payload_);
    case PropertyType::binary: return PropertyValue(Binary{std::string(payload_)});
  }
  return {};
}

Properties::Entry Properties::const_iterator::operator*() const {
  const auto d = decode_at(*buf_, at_);
  return {d.key, PropertyView(d.type, d.payload)};
}

Properties::const_iterator& Properties::const_iterator::operator++() {
  at_ = decode_at(*buf_, at_).next;
  return *this;
}

std::size_t Properties::size() const {
  return static_cast<std::size_t>(std::distance(begin(), end()));
}

Properties::Properties(std::initializer_list<std::pair<std::string_view, PropertyValue>> init) {
  for (const auto& [k, v] : init) set(k, v);
}

std::optional<std::pair<std::size_t, std::size_t>> Properties::locate(std::string_view key) const {
  // A lookup reads only each entry's key length and value length: decoding every entry it
  // passes made a lookup cost more than the rest of routing a message.
  const std::string_view buf = buf_;
  for (std::size_t at = 0; at < buf.size();) {
    const std::size_t start = at;
    const auto klen = load_length(buf, at);
    const bool match = klen == key.size() && std::memcmp(buf.data() + at, key.data(), klen) == 0;
    at += klen;
    const auto type = static_cast<PropertyType>(static_cast<std::uint8_t>(buf[at++]));
    const int width = fixed_width(type);
    const std::size_t value_size =
        width < 0 ? load_length(buf, at) : static_cast<std::size_t>(width);
    at += value_size;
    if (match) return std::pair{start, at};
  }
  return std::nullopt;
}

std::optional<PropertyView> Properties::find(std::string_view key) const {
  const auto span = locate(key);
  if (!span) return std::nullopt;
  const auto d = decode_at(buf_, span->first);
  return PropertyView(d.type, d.payload);
}

PropertyValue Properties::at(std::string_view key) const {
  auto v = find(key);
  if (!v) throw std::out_of_range("no property " + std::string(key));
  return v->to_value();
}

void Properties::append(std::string_view key, const PropertyValue& value) {
  store_length(buf_, key.size());
  buf_.append(key);
  buf_.push_back(static_cast<char>(value.type()));
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
        } else if constexpr (std::is_same_v<T, bool>) {
          buf_.push_back(v ? 1 : 0);
        } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, Binary>) {
          const std::string& bytes = [&]() -> const std::string& {
            if constexpr (std::is_same_v<T, Binary>) return v.data;
            else return v;
          }();
          store_length(buf_, bytes.size());
          buf_.append(bytes);
        } else {
          store_scalar(buf_, v);
        }
      },
      value.variant());
}

void Properties::set(std::string_view key, const PropertyValue& value) {
  if (auto span = locate(key)) {
    // Rebuilt around the new entry so the key keeps its place.
    const std::string tail(buf_.view().substr(span->second));
    buf_.truncate(span->first);
    append(key, value);
    buf_.append(tail);
    return;
  }
  append(key, value);
}

bool Properties::emplace(std::string_view key, const PropertyValue& value) {
  if (locate(key)) return false;
  append(key, value);
  return true;
}

std::size_t Properties::text_entry_size(std::size_t key_size, std::size_t text_size) {
  return length_size(key_size) + key_size + 1 + length_size(text_size) + text_size;
}

void Properties::append_text(std::string_view key, std::string_view text) {
  store_length(buf_, key.size());
  buf_.append(key);
  buf_.push_back(static_cast<char>(PropertyType::string));
  store_length(buf_, text.size());
  buf_.append(text);
}

void Properties::set_text(std::string_view key, std::string_view text) {
  if (locate(key)) {
    set(key, PropertyValue(std::string(text)));  // rare: keeps the key's place
    return;
  }
  append_text(key, text);
}

bool Properties::emplace_text(std::string_view key, std::string_view text) {
  if (locate(key)) return false;
  append_text(key, text);
  return true;
}

bool Properties::erase(std::string_view key) {
  auto span = locate(key);
  if (!span) return false;
  buf_.erase(span->first, span->second - span->first);
  return true;
}

namespace {

// load_length with bounds: false when the varint runs past `end` or beyond 64 bits.
bool load_length_checked(std::string_view buf, std::size_t& at, std::size_t& out) {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (at >= buf.size()) return false;
    const auto byte = static_cast<std::uint8_t>(buf[at++]);
    v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      out = static_cast<std::size_t>(v);
      return true;
    }
  }
  return false;
}

bool known_type(std::uint8_t tag) {
  switch (static_cast<PropertyType>(tag)) {
    case PropertyType::null:
    case PropertyType::boolean:
    case PropertyType::int8:
    case PropertyType::binary:
    case PropertyType::int16:
    case PropertyType::int32:
    case PropertyType::int64:
    case PropertyType::float32:
    case PropertyType::float64:
    case PropertyType::string: return true;
  }
  return false;
}

}  // namespace

std::optional<Properties> Properties::from_packed(std::string_view bytes) {
  Properties p;
  p.buf_.assign(bytes);
  const std::string_view buf = p.buf_;
  std::size_t at = 0;
  while (at < buf.size()) {
    std::size_t klen = 0;
    if (!load_length_checked(buf, at, klen) || klen > buf.size() - at) return std::nullopt;
    at += klen;
    if (at >= buf.size()) return std::nullopt;
    const auto tag = static_cast<std::uint8_t>(buf[at++]);
    if (!known_type(tag)) return std::nullopt;
    const int width = fixed_width(static_cast<PropertyType>(tag));
    std::size_t len = static_cast<std::size_t>(width);
    if (width < 0 && !load_length_checked(buf, at, len)) return std::nullopt;
    if (len > buf.size() - at) return std::nullopt;
    if constexpr (std::endian::native == std::endian::big) {
      if (width > 1) std::reverse(p.buf_.data() + at, p.buf_.data() + at + len);
    }
    at += len;
  }
  return p;
}

bool operator==(const Properties& a, const Properties& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [k, v] : a) {
    auto other = b.find(k);
    if (!other || other->to_value() != v.to_value()) return false;
  }
  return true;
}

}  // namespace artemis::store
