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
      case errc::message_too_large:
        return "durable message larger than a journal file (journal-file-size)";
      case errc::invalid_name: return "invalid name";
      case errc::address_has_queues: return "address still has queues";
      case errc::authentication_failed: return "user name or password is invalid";
      case errc::unauthorized: return "permission denied";
      case errc::unknown_delivery: return "no such delivery awaiting settlement";
      case errc::unknown_consumer: return "no such consumer";
      case errc::unknown_transaction: return "transaction is not open";
      case errc::transaction_exists: return "transaction is already open";
      case errc::too_many_transactions: return "too many open transactions";
      case errc::transaction_too_large: return "transaction too large";
      case errc::client_id_required: return "a client id is required";
      case errc::subscription_in_use: return "subscription is in use";
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
