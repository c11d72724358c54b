#include "management/operation_args.hpp"

#include <fmt/core.h>

#include <charconv>

namespace artemis::management {

const nlohmann::json& OperationArgs::raw(std::size_t i) const {
  if (i >= a_.size())
    throw OperationError(fmt::format("missing parameter {} (the operation takes more)", i + 1));
  return a_[i];
}

std::string OperationArgs::text(std::size_t i) const {
  const auto& v = raw(i);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return {};
  return json_text(v);  // a number or boolean where a string is expected: its JSON text
}

std::int64_t OperationArgs::integer(std::size_t i) const {
  const auto& v = raw(i);
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_float()) return static_cast<std::int64_t>(v.get<double>());
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size()) return n;
  }
  throw OperationError(fmt::format("parameter {} is not a number: {}", i + 1, json_text(v)));
}

bool OperationArgs::boolean(std::size_t i) const {
  const auto& v = raw(i);
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (s == "true") return true;
    if (s == "false") return false;
  }
  throw OperationError(fmt::format("parameter {} is not a boolean: {}", i + 1, json_text(v)));
}

}  // namespace artemis::management
