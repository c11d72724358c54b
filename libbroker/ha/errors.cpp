#include "ha/errors.hpp"

#include <string>

namespace artemis::ha {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "ha"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::ok: return "ok";
      case errc::interrupted: return "lock wait interrupted by stop";
      case errc::timed_out: return "Timed out waiting for lock";
      case errc::state_lock_timeout: return "state lock on server.lock stayed busy";
      case errc::lock_file_replaced: return "lock file deleted or replaced";
      case errc::lock_not_held: return "live lock is not held";
      case errc::not_started: return "node manager not started";
    }
    return "unknown ha error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& ha_category() {
  static const Category category;
  return category;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), ha_category()}; }

}  // namespace artemis::ha
