#pragma once
// Error codes of the config layer. Every load problem is also a Diagnostic with file:line and a
// sentence saying what is wrong and what would be right; the code lets callers and tests tell
// kinds of problems apart without matching text.
#include <string>
#include <system_error>

namespace artemis::config {

enum class errc {
  ok = 0,
  file_unreadable = 1,      // missing file, permission denied
  malformed_xml = 2,        // pugixml could not parse the document
  unresolved_variable = 3,  // ${name} without a default and not in the environment
  invalid_value = 4,        // not a number / size / boolean / one of the allowed words
  out_of_range = 5,         // a number outside its bounds
  missing_required = 6,     // required element or attribute absent
  unknown_reference = 7,    // a name that refers to nothing (connector-ref, ...)
  duplicate = 8,            // two things with one name, or two acceptors on one port
  unsupported = 9,          // valid Artemis configuration this broker cannot honour
  // An HA policy or cluster discovery this broker cannot honour: a warning for the commands
  // that only read the file, an error for `run`, which would otherwise run without the HA the
  // operator asked for.
  unsupported_ha = 10,
};

const std::error_category& config_category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), config_category()}; }

}  // namespace artemis::config

template <>
struct std::is_error_code_enum<artemis::config::errc> : std::true_type {};
