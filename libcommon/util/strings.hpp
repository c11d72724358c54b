#pragma once
// Small string helpers shared by config, protocols and the CLI.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace artemis::util {

std::string_view trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
// `value` for an XML attribute in double quotes: '&', '<', '>', '"' as entities, and '$' (so a
// template's later ${...} substitution leaves it alone) and tab/CR/LF (so they are not read back
// as spaces) as character references.
std::string xml_attribute(std::string_view value);
bool starts_with(std::string_view s, std::string_view prefix);

// Strict integer parsing: the whole (trimmed) text must be a number in range.
std::optional<std::int64_t> parse_int(std::string_view s);
// "10M", "10MB", "10MiB", "512K", "1G", "1048576" -> bytes. Artemis treats K/M/G as powers of 1024.
std::optional<std::int64_t> parse_byte_size(std::string_view s);
std::optional<bool> parse_bool(std::string_view s);

}  // namespace artemis::util
