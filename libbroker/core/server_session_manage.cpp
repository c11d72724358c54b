// ServerSession: messages sent to the management address (Artemis's handleManagementMessage).
#include "core/management_handler.hpp"
#include "core/server_session.hpp"

namespace artemis::core {

SessionResult ServerSession::check_manage() {
  return check(security::Permission::manage, po_.management_address());
}

SessionResult ServerSession::send_management(const Message& request, Completion done) {
  // Artemis checks `manage` here and not `send`: a monitoring user needs no send permission.
  if (auto r = check_manage()) return r;
  auto reply = po_.management()->handle(request, *subject_);
  const auto reply_to = request.property(kReplyTo);
  // Without a reply-to the operation still ran (a fire-and-forget purge, say); nobody hears.
  if (reply && reply_to && !reply_to->empty()) {
    const auto target = resolve(*reply_to);
    if (target.routing_type) reply->record.routing_type = to_store(*target.routing_type);
    po_.send(std::move(reply), target.destination, [](std::error_code) {});
  }
  push_done(std::move(done));
  return std::nullopt;
}

}  // namespace artemis::core
