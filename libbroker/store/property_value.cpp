#include "store/property_value.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace artemis::store {
namespace {

// Indexed by the variant's alternative index.
constexpr std::array<PropertyType, std::variant_size_v<PropertyValue::Variant>> kTypeOfIndex{
    PropertyType::null,    PropertyType::boolean, PropertyType::int8,    PropertyType::int16,
    PropertyType::int32,   PropertyType::int64,   PropertyType::float32, PropertyType::float64,
    PropertyType::string,  PropertyType::binary};

// Java's Float/Double.toString is what a JMS client shows for these, so STOMP headers and
// `data print` match what the Artemis tools would print for the common values.
template <class F>
std::string java_like_floating(F v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  std::array<char, 64> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  std::string s(buf.data(), res.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string hex_of(std::string_view bytes) {
  constexpr std::string_view digits = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    s += digits[c >> 4];
    s += digits[c & 0xf];
  }
  return s;
}

}  // namespace

std::string_view type_name(PropertyType t) {
  switch (t) {
    case PropertyType::null: return "null";
    case PropertyType::boolean: return "boolean";
    case PropertyType::int8: return "byte";
    case PropertyType::binary: return "bytes";
    case PropertyType::int16: return "short";
    case PropertyType::int32: return "int";
    case PropertyType::int64: return "long";
    case PropertyType::float32: return "float";
    case PropertyType::float64: return "double";
    case PropertyType::string: return "string";
  }
  return "unknown";
}

PropertyType PropertyValue::type() const { return kTypeOfIndex[v_.index()]; }

std::optional<std::int64_t> PropertyValue::as_integer() const {
  if (auto* v = std::get_if<std::int8_t>(&v_)) return *v;
  if (auto* v = std::get_if<std::int16_t>(&v_)) return *v;
  if (auto* v = std::get_if<std::int32_t>(&v_)) return *v;
  if (auto* v = std::get_if<std::int64_t>(&v_)) return *v;
  return std::nullopt;
}

std::optional<double> PropertyValue::as_floating() const {
  if (auto* v = std::get_if<float>(&v_)) return static_cast<double>(*v);
  if (auto* v = std::get_if<double>(&v_)) return *v;
  return std::nullopt;
}

std::string PropertyValue::as_string() const {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) return {};
        else if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
        else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>)
          return java_like_floating(v);
        else if constexpr (std::is_same_v<T, std::string>) return v;
        else if constexpr (std::is_same_v<T, Binary>) return hex_of(v.data);
        else return std::to_string(static_cast<std::int64_t>(v));
      },
      v_);
}

std::size_t PropertyValue::payload_size() const {
  if (auto* s = std::get_if<std::string>(&v_)) return s->size();
  if (auto* b = std::get_if<Binary>(&v_)) return b->data.size();
  return 8;
}

}  // namespace artemis::store
