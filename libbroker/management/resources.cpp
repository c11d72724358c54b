#include "management/resources.hpp"

#include <fmt/core.h>

namespace artemis::management {

OperationError no_operation(std::string_view operation, const OperationArgs& args) {
  return OperationError(fmt::format("AMQ229069: no operation {}/{}", operation, args.size()));
}

core::Address& address_of(ManagementContext& ctx, const std::string& name) {
  auto* a = ctx.post_office.find_address(name);
  if (a == nullptr)
    throw OperationError(fmt::format("AMQ229203: Address Does Not Exist: {}", name));
  return *a;
}

core::Queue& queue_of(ManagementContext& ctx, const std::string& name) {
  auto* q = ctx.post_office.find_queue(name);
  if (q == nullptr) throw OperationError(fmt::format("AMQ229017: Queue {} does not exist", name));
  return *q;
}

core::Queue& queue_resource(const Call& c) {
  auto* q = c.ctx.post_office.find_queue(c.target);
  if (q == nullptr)
    throw OperationError(
        fmt::format("AMQ229067: Cannot find resource with name queue.{}", c.target));
  return *q;
}

core::Address& address_resource(const Call& c) {
  auto* a = c.ctx.post_office.find_address(c.target);
  if (a == nullptr)
    throw OperationError(
        fmt::format("AMQ229067: Cannot find resource with name address.{}", c.target));
  return *a;
}

std::optional<core::Filter> parse_filter(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::string why;
  auto f = core::Filter::parse(text, why);
  if (!f) throw OperationError(fmt::format("AMQ229105: Invalid filter: {} ({})", text, why));
  return f;
}

std::size_t message_count(core::PostOffice& po, const core::Address& a) {
  std::size_t n = 0;
  for (const auto& name : a.queues)
    if (const auto* q = po.find_queue(name)) n += q->message_count();
  return n;
}

bool is_internal(const ManagementContext&, const std::string& address) {
  // Artemis's internal queues are its cluster's store-and-forward ones, under this prefix.
  return address.starts_with("$.artemis.internal.");
}

std::map<std::uint64_t, ConnectionView> connections(core::PostOffice& po) {
  std::map<std::uint64_t, ConnectionView> out;
  for (const core::ServerSession* s : po.sessions()) {
    auto& c = out[s->connection_id()];
    if (c.first == nullptr) c.first = s;
    if (s->logged_in()) c.users.insert(s->subject().user);
    ++c.sessions;
  }
  return out;
}

}  // namespace artemis::management
