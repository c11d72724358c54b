#include "core/errors.hpp"

#include <string>

namespace artemis::core {
namespace {

class Category : public std::error_category {
 public:
  const char* name() const noexcept override { return "core"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::ok: return "ok";
      case errc::address_not_found: return "address does not exist";
      case errc::queue_not_found: return "queue does not exist";
      case errc::queue_exists: return "a queue with this name already exists";
      case errc::queue_on_other_address: return "queue is bound to a different address";
      case errc::illegal_routing_type: return "address does not support the routing type";
      case errc::max_consumers_reached: return "queue has reached its max-consumers";
      case errc::address_full: return "address is full";
      case errc::bad_filter: return "filter does not parse";
      case errc::storage_failed: return "storage failed";
      case errc::invalid_name: return "invalid name";
      case errc::address_has_queues:
        return "address still has queues";
    }
    return "unknown core error";
  }
};

}  // namespace

const std::error_category& core_category() {
  static const Category category;
  return category;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), core_category()}; }

}  // namespace artemis::core
