#pragma once
// PropertyValue: one message property with its type kept, so a property an AMQP or MQTT 5 client
// sends as an int stays an int (selectors compare it numerically) and is handed back as one.
// The types are those of Artemis's TypedProperties without char: null, boolean, byte (int8),
// short (int16), int (int32), long (int64), float, double, string, bytes (binary). Binary is its
// own type rather than a second std::string alternative so that the two never mix up on the way
// through a protocol. Messages are held by the hundred thousand: the value is a plain variant
// (40 bytes, the size of the std::string inside it plus a tag), no heap beyond the string's.
#include <compare>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace artemis::store {

// Uninterpreted bytes (AMQP binary, a JMS byte[] property).
struct Binary {
  std::string data;
  friend bool operator==(const Binary&, const Binary&) = default;
};

// Type tags, numbered as Artemis's DataConstants (they are also the v2 record's wire tags).
enum class PropertyType : std::uint8_t {
  null = 0,
  boolean = 2,
  int8 = 3,
  binary = 4,
  int16 = 5,
  int32 = 6,
  int64 = 7,
  float32 = 8,
  float64 = 9,
  string = 10,
};

std::string_view type_name(PropertyType t);  // "int", "string", ... (JMS names)

class PropertyValue {
 public:
  using Variant = std::variant<std::monostate, bool, std::int8_t, std::int16_t, std::int32_t,
                               std::int64_t, float, double, std::string, Binary>;

  PropertyValue() = default;  // null
  // Implicit from text, so `properties[k] = "red"` and string-built values read naturally.
  PropertyValue(std::string s) : v_(std::move(s)) {}
  PropertyValue(std::string_view s) : v_(std::string(s)) {}
  PropertyValue(const char* s) : v_(std::string(s)) {}
  PropertyValue(Binary b) : v_(std::move(b)) {}
  // Numbers and bool only from their exact type: `long long`, `unsigned` or `char` do not
  // silently pick an alternative; the caller says which width it means.
  template <class T>
    requires(std::same_as<T, bool> || std::same_as<T, std::int8_t> ||
             std::same_as<T, std::int16_t> || std::same_as<T, std::int32_t> ||
             std::same_as<T, std::int64_t> || std::same_as<T, float> || std::same_as<T, double>)
  PropertyValue(T v) : v_(v) {}

  PropertyType type() const;
  bool is_null() const { return v_.index() == 0; }
  template <class T>
  const T* get_if() const { return std::get_if<T>(&v_); }
  const Variant& variant() const { return v_; }

  // The text of a string value; nullptr for every other type.
  const std::string* string_value() const { return std::get_if<std::string>(&v_); }
  // Any integer type widened to int64; nullopt for the others.
  std::optional<std::int64_t> as_integer() const;
  // float or double as double; nullopt for the others.
  std::optional<double> as_floating() const;
  // The value as a text protocol carries it (STOMP headers): strings as they are, numbers in
  // decimal (floating point as Java prints it: "1.0", "NaN", "Infinity"), booleans as
  // "true"/"false", binary as lowercase hex, null as "".
  std::string as_string() const;
  // Bytes the value occupies beyond the variant itself, for memory accounting.
  std::size_t payload_size() const;

  friend bool operator==(const PropertyValue&, const PropertyValue&) = default;

 private:
  Variant v_;
};

}  // namespace artemis::store
