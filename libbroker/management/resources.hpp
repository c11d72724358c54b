#pragma once
// Lookups the operations share, failing with Artemis's texts.
#include <map>
#include <set>
#include <string>

#include "core/address.hpp"
#include "core/filter.hpp"
#include "core/post_office.hpp"
#include "core/queue.hpp"
#include "core/server_session.hpp"
#include "management/management_service.hpp"

namespace artemis::management {

// AMQ229069: no operation <op>/<number of parameters>.
OperationError no_operation(std::string_view operation, const OperationArgs& args);
// AMQ229203: Address Does Not Exist: <name>.
core::Address& address_of(ManagementContext& ctx, const std::string& name);
// AMQ229017: Queue <name> does not exist.
core::Queue& queue_of(ManagementContext& ctx, const std::string& name);
// The queue of a queue.<name> resource (AMQ229067 when there is none).
core::Queue& queue_resource(const Call& c);
// The address of an address.<name> resource (AMQ229067 when there is none).
core::Address& address_resource(const Call& c);
// A filter argument; nullopt for "" (no filter). AMQ229105 when it does not parse.
std::optional<core::Filter> parse_filter(const std::string& text);
// Messages on the address's queues.
std::size_t message_count(core::PostOffice& po, const core::Address& a);
// An address the broker made for itself (Artemis's internal queues' addresses).
bool is_internal(const ManagementContext& ctx, const std::string& address);
// createQueue, updateQueue, destroyQueue, createAddress, updateAddress, deleteAddress.
void add_broker_changes(OperationTable& table);

// The client connections the PostOffice's sessions belong to, by connection id: the first
// session of each (its protocol, client id, remote address), its users and its session count.
struct ConnectionView {
  const core::ServerSession* first = nullptr;
  std::set<std::string> users;
  int sessions = 0;
};
std::map<std::uint64_t, ConnectionView> connections(core::PostOffice& po);

}  // namespace artemis::management
