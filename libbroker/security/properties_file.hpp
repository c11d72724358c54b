#pragma once
// Java properties syntax, as artemis-users.properties and artemis-roles.properties use it:
//   key = value   key=value   key:value   key value
// Lines starting with '#' or '!' are comments; a line ending in an odd number of backslashes
// continues on the next; backslash escapes (\t \n \r \f \uXXXX, "\ " for a space in a key,
// "\\" for a backslash) are decoded in keys and values. Pure, unit-tested.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace artemis::security {

struct Property {
  std::string key;
  std::string value;
  int line = 0;  // first line of the entry, for messages
};

std::vector<Property> parse_properties(std::string_view text);

// nullopt when the file cannot be read (error says which file and why).
std::optional<std::vector<Property>> load_properties(const std::filesystem::path& file,
                                                     std::string& error);

}  // namespace artemis::security
