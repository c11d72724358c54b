#pragma once
// The arguments of a management operation: the JSON array in the request's body, read the way
// Artemis's management service converts them to a method's parameters (a number may arrive as
// a string, a boolean as "true"). A missing or unconvertible argument throws OperationError.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace artemis::management {

// What the reply says when an operation fails: its text is the reply's result.
class OperationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// JSON text of `j`; bytes that are not UTF-8 (a queue name can hold any) are replaced, never a
// reason to fail.
inline std::string json_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class OperationArgs {
 public:
  explicit OperationArgs(nlohmann::json array) : a_(std::move(array)) {}
  std::size_t size() const { return a_.size(); }
  bool has(std::size_t i) const { return i < a_.size() && !a_[i].is_null(); }
  std::string text(std::size_t i) const;
  std::string text_or(std::size_t i, std::string fallback) const {
    return has(i) ? text(i) : std::move(fallback);
  }
  std::int64_t integer(std::size_t i) const;
  std::int64_t integer_or(std::size_t i, std::int64_t fallback) const {
    return has(i) ? integer(i) : fallback;
  }
  bool boolean(std::size_t i) const;
  bool boolean_or(std::size_t i, bool fallback) const { return has(i) ? boolean(i) : fallback; }
  const nlohmann::json& raw(std::size_t i) const;
  std::string dump() const { return json_text(a_); }

 private:
  nlohmann::json a_;
};

}  // namespace artemis::management
