#pragma once
// ${name} and ${name:default} in broker.xml text and attribute values, as Artemis resolves them
// from system properties; here from the environment (see Environment in loader.hpp).
//   "${BROKER_HOST:0.0.0.0}"  -> the value of BROKER_HOST, else "0.0.0.0"
//   "${BROKER_HOST}"          -> the value, else an error naming BROKER_HOST
// A '$' not followed by '{' is kept as written. Substituted text is not substituted again.
#include <string>
#include <string_view>

#include "config/loader.hpp"

namespace artemis::config {

struct Substituted {
  std::string text;
  std::string error;  // empty on success; else what is wrong ("${HOST} is not set ...")
  bool ok() const { return error.empty(); }
};

Substituted substitute(std::string_view text, const Environment& env);

}  // namespace artemis::config
