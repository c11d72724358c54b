#include "security/security_manager.hpp"

namespace artemis::security {

std::string_view to_string(Permission p) {
  switch (p) {
    case Permission::send: return "send";
    case Permission::consume: return "consume";
    case Permission::browse: return "browse";
    case Permission::create_durable_queue: return "createDurableQueue";
    case Permission::delete_durable_queue: return "deleteDurableQueue";
    case Permission::create_non_durable_queue: return "createNonDurableQueue";
    case Permission::delete_non_durable_queue: return "deleteNonDurableQueue";
    case Permission::create_address: return "createAddress";
    case Permission::delete_address: return "deleteAddress";
    case Permission::manage: return "manage";
  }
  return "unknown";
}

}  // namespace artemis::security
